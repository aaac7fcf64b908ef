# The Passerelle API, configured by environment (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD,
# NEO4J_DATABASE, PORT). The spaCy model is a pinned dependency: nothing is downloaded at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PASSERELLE_HOME=/var/lib/passerelle \
    PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY ingest ./ingest
COPY api ./api
COPY data ./data
# editable: the code reads data/ (vocabulary, demo corpus) next to its packages
RUN pip install --no-cache-dir -e . \
    && useradd --system --home-dir /var/lib/passerelle --create-home passerelle
USER passerelle

EXPOSE 8000
CMD ["sh", "-c", "passerelle serve --host 0.0.0.0 --port ${PORT}"]
