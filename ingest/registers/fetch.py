"""Download of the public registers from their official portals: resumable and checksummed.

What each register downloads, and from where, is declared with it (``ingest.registers.table``:
``Register.downloads``); the settings may name another address (``PASSERELLE_<NAME>_URL``). No
digest is declared for the portals' files, which they regenerate: the digest of what was
downloaded is recorded beside it instead.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import InputError
from ingest.progress import Progress
from ingest.registers.table import Download

CHUNK = 1 << 16
RETRY_DELAY = 1.0  # seconds; the n-th retry waits n times this
USER_AGENT = "passerelle-fetch/0.1"
_GZIP_MAGIC = b"\x1f\x8b"
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-\d+/(\d+|\*)")
_UNSATISFIED = re.compile(r"bytes\s+\*/(\d+)")


@dataclass(frozen=True)
class FetchResult:
    """What ``fetch`` left on disk: the file, its digest and size, how it was obtained."""

    path: Path
    sha256: str
    bytes: int
    resumed: bool
    skipped: bool


class _Transient(Exception):
    """A failure worth another attempt: connection cut, timeout, 5xx."""


def _error(source: Download, fr: str, en: str) -> InputError:
    return InputError(fr, en, where=source.url)


def fetch(
    source: Download,
    dest_dir: Path,
    *,
    progress: Progress | None = None,
    timeout: float = 30.0,
    retries: int = 3,
) -> FetchResult:
    """Download ``source`` into ``dest_dir``, resuming an earlier attempt, and verify it.

    The bytes go to ``<filename>.part`` and are renamed to ``<filename>`` only once verified;
    ``<filename>.sha256`` and ``<filename>.source`` (URL and UTC date) are written beside it.
    A file whose recorded digest still matches its content is not downloaded again.

    Parameters
    ----------
    source : Download
        The file to download.
    dest_dir : Path
        Folder to save it in; created when missing.
    progress : callable, optional
        Called as ``progress(name, done_bytes, total_bytes)`` per chunk; total is 0 when unknown.
    timeout : float
        Seconds to wait for the server on each connection or read.
    retries : int
        Further attempts after a transient failure (cut, timeout, 5xx), each resuming.

    Returns
    -------
    FetchResult

    Raises
    ------
    InputError
        On a 4xx answer, a checksum mismatch, a non-gzip file, or when the retries run out.
    """
    if not source.filename or Path(source.filename).name != source.filename:
        raise _error(
            source,
            f"nom de fichier invalide : {source.filename!r}",
            f"invalid file name: {source.filename!r}",
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / source.filename
    expected = source.sha256.lower() if source.sha256 else None
    known = _recorded(final, expected)
    if known is not None:
        return FetchResult(final, known, final.stat().st_size, resumed=False, skipped=True)
    part = _sidecar(final, ".part")
    resumed = False
    for attempt in range(retries + 1):
        try:
            resumed = _attempt(source, part, progress, timeout)
            break
        except _Transient as exc:
            if attempt == retries:
                raise _error(
                    source,
                    f"téléchargement de {source.name} en échec après {attempt + 1} tentative(s)"
                    f" ({exc}) : vérifiez le réseau et l'adresse dans les réglages puis relancez,"
                    " il reprendra où il s'est arrêté",
                    f"download of {source.name} failed after {attempt + 1} attempt(s) ({exc}):"
                    " check the network and the URL in the settings, then run again; it resumes",
                ) from exc
            time.sleep(RETRY_DELAY * (attempt + 1))
    digest = _sha256(part)
    _verify(source, part, digest, expected)
    os.replace(part, final)
    _validator(part).unlink(missing_ok=True)
    fetched = datetime.now(UTC).isoformat(timespec="seconds")
    _sidecar(final, ".sha256").write_text(f"{digest}  {source.filename}\n", encoding="utf-8")
    _sidecar(final, ".source").write_text(f"{source.url}\n{fetched}\n", encoding="utf-8")
    return FetchResult(final, digest, final.stat().st_size, resumed=resumed, skipped=False)


def _attempt(source: Download, part: Path, progress: Progress | None, timeout: float) -> bool:
    """One request into ``part``; True when it kept bytes from an earlier attempt."""
    offset = part.stat().st_size if part.exists() else 0
    validator = _validator(part)
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if validator.exists():  # the server answers 200 (whole file) if the file has changed
            headers["If-Range"] = validator.read_text(encoding="utf-8").strip()
    try:
        response = urllib.request.urlopen(
            urllib.request.Request(source.url, headers=headers), timeout=timeout
        )
    except urllib.error.HTTPError as exc:
        try:
            return _refused(source, part, offset, exc)
        finally:
            exc.close()
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(_reason(exc)) from exc
    with response:
        start, total = 0, int(response.headers.get("Content-Length") or 0)
        if response.status == 206:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range") or "")
            if match is None or int(match.group(1)) != offset:
                _discard(part)
                raise _Transient("unexpected Content-Range")
            start = offset
            total = 0 if match.group(2) == "*" else int(match.group(2))
        else:
            tag = response.headers.get("ETag") or response.headers.get("Last-Modified")
            if tag and not tag.startswith("W/"):
                validator.write_text(tag, encoding="utf-8")
            else:
                validator.unlink(missing_ok=True)
        done = start
        with part.open("ab" if start else "wb") as out:
            while chunk := _read(response):
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(source.name, done, total)
    if total and done != total:
        raise _Transient(f"connection closed after {done} of {total} bytes")
    return start > 0


def _refused(source: Download, part: Path, offset: int, exc: urllib.error.HTTPError) -> bool:
    """Handle an HTTP error answer: 416 on a whole part, transient 5xx, or a clear 4xx error."""
    if exc.code == 416 and offset:
        match = _UNSATISFIED.match(exc.headers.get("Content-Range") or "")
        if match is None or int(match.group(1)) == offset:
            return True  # the part is already whole; it is verified next
        _discard(part)
        raise _Transient(f"the part ({offset} bytes) is longer than the file ({match.group(1)})")
    if exc.code >= 500 or exc.code in (408, 429):
        raise _Transient(f"HTTP {exc.code}")
    raise _error(
        source,
        f"le portail a répondu {exc.code} pour {source.name} : vérifiez l'adresse dans les réglages",
        f"the portal answered {exc.code} for {source.name}: check the URL in the settings",
    )


def _verify(source: Download, part: Path, digest: str, expected: str | None) -> None:
    """Raise, deleting the part, when it does not match the expected digest or is not gzip."""
    if expected is not None and digest != expected:
        _discard(part)
        raise _error(
            source,
            f"somme de contrôle de {source.filename} incorrecte : attendue {expected}, obtenue"
            f" {digest} ; fichier partiel supprimé : vérifiez la somme dans les réglages",
            f"checksum of {source.filename} is wrong: expected {expected}, got {digest}; the"
            " partial file was deleted: check the expected digest in the settings",
        )
    if source.gzip:
        with part.open("rb") as f:
            magic = f.read(2)
        if magic != _GZIP_MAGIC:
            _discard(part)
            raise _error(
                source,
                f"{source.filename} n'est pas compressé (gzip) : vérifiez l'adresse dans les réglages",
                f"{source.filename} is not gzip-compressed: check the URL in the settings",
            )


def _recorded(final: Path, expected: str | None) -> str | None:
    """The digest of ``final`` when its ``.sha256`` (and ``expected``, if given) match it."""
    sidecar = _sidecar(final, ".sha256")
    if not (final.is_file() and sidecar.is_file()):
        return None
    recorded = sidecar.read_text(encoding="utf-8").split()
    digest = _sha256(final)
    if not recorded or recorded[0].lower() != digest or expected not in (None, digest):
        return None
    return digest


def _read(response: http.client.HTTPResponse) -> bytes:
    try:
        return response.read(CHUNK)
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return str(reason) or type(reason).__name__


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _validator(part: Path) -> Path:
    """Where the ETag or Last-Modified of the part's download is kept, for ``If-Range``."""
    return _sidecar(part, ".validator")


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _validator(part).unlink(missing_ok=True)
