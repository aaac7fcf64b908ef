# The Passerelle API, configured by environment (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD,
# NEO4J_DATABASE, PORT). The spaCy model is a pinned dependency: nothing is downloaded at run time.
#
# Two stages: the first builds the wheel from the source tree (its build backend, hatchling,
# fetched as pyproject.toml's [build-system] says); the final image installs that wheel, which
# carries the data the code reads (vocabulary, demo corpus, our unit descriptions, the ANR
# mapping, in ingest/resources), and holds no source tree.

FROM python:3.11-slim AS wheel

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY ingest ./ingest
COPY api ./api
RUN pip wheel --no-deps --wheel-dir /dist .


FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PASSERELLE_HOME=/var/lib/passerelle \
    PORT=8000

COPY --from=wheel /dist/ /tmp/dist/
RUN pip install /tmp/dist/passerelle-*.whl \
    && rm -rf /tmp/dist \
    && useradd --system --home-dir /var/lib/passerelle --create-home passerelle
USER passerelle
# after useradd, which creates the folder owned by the user (the embedded store writes there)
WORKDIR /var/lib/passerelle

EXPOSE 8000
CMD ["sh", "-c", "passerelle serve --host 0.0.0.0 --port ${PORT}"]
