"""ingest.registers.fetch against a real HTTP server on 127.0.0.1: resume, retry, checksums, errors."""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ingest.registers.fetch as fetch_module
from graph.errors import InputError
from ingest.registers.fetch import fetch
from ingest.registers.table import Download

pytestmark = pytest.mark.integration

DATA = bytes(range(256)) * 1000  # 256 000 bytes: several chunks
CUT = 100_000


@dataclass
class Portal:
    """What the server serves and how it misbehaves; the requests it received."""

    base: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    cut_after: int | None = None  # once: send this many bytes of the body, then close
    fail_500: int = 0  # answer 500 this many times
    ignore_range: bool = False  # answer 200 with the whole file to a Range request

    def source(
        self, path: str = "/reg.csv", *, sha256: str | None = None, gz: bool = False
    ) -> Download:
        return Download("reg", self.base + path, "reg.csv", sha256=sha256, gzip=gz)


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        portal = self.server.portal
        portal.requests.append({k.lower(): v for k, v in self.headers.items()})
        if portal.fail_500 > 0:
            portal.fail_500 -= 1
            return self._answer(500, b"oops")
        body = portal.files.get(self.path)
        if body is None:
            return self._answer(404, b"not found")
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        asked, if_range = self.headers.get("Range"), self.headers.get("If-Range")
        start = 0
        if asked and not portal.ignore_range and if_range in (None, etag):
            start = int(asked.removeprefix("bytes=").rstrip("-"))
            if start >= len(body):
                return self._answer(416, b"", {"Content-Range": f"bytes */{len(body)}"})
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        payload = body[start:]
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("ETag", etag)
        self.end_headers()
        if portal.cut_after is not None:
            self.wfile.write(payload[: portal.cut_after])
            portal.cut_after = None
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(payload)

    def _answer(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    portal: Portal


@pytest.fixture
def portal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Portal]:
    monkeypatch.setattr(fetch_module, "RETRY_DELAY", 0.0)
    server = _Server(("127.0.0.1", 0), Handler)
    server.portal = Portal(base=f"http://127.0.0.1:{server.server_address[1]}")
    server.portal.files["/reg.csv"] = DATA
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.portal
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_full_download_writes_file_checksum_source_and_reports_progress(portal, tmp_path):
    seen: list[tuple[str, int, int]] = []
    result = fetch(portal.source(), tmp_path, progress=lambda *a: seen.append(a))
    assert result.path == tmp_path / "reg.csv"
    assert result.path.read_bytes() == DATA
    assert (result.sha256, result.bytes) == (digest(DATA), len(DATA))
    assert not result.resumed and not result.skipped
    assert (tmp_path / "reg.csv.sha256").read_text() == f"{digest(DATA)}  reg.csv\n"
    url, date = (tmp_path / "reg.csv.source").read_text().splitlines()
    assert url == portal.source().url and date.endswith("+00:00")
    assert len(seen) > 1 and seen[-1] == ("reg", len(DATA), len(DATA))
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    assert not (tmp_path / "reg.csv.part").exists()


def test_resumes_after_a_cut_connection(portal, tmp_path):
    portal.cut_after = CUT
    result = fetch(portal.source(), tmp_path)
    assert result.path.read_bytes() == DATA and result.resumed
    assert len(portal.requests) == 2
    assert "range" not in portal.requests[0]
    assert portal.requests[1]["range"] == f"bytes={CUT}-"


def test_a_server_ignoring_range_restarts_from_zero(portal, tmp_path):
    (tmp_path / "reg.csv.part").write_bytes(b"stale bytes from another run")
    portal.ignore_range = True
    result = fetch(portal.source(), tmp_path)
    assert "range" in portal.requests[0]
    assert result.path.read_bytes() == DATA and not result.resumed


def test_wrong_expected_sha256_is_an_error_and_leaves_no_file(portal, tmp_path):
    wrong = "0" * 64
    with pytest.raises(InputError) as caught:
        fetch(portal.source(sha256=wrong), tmp_path)
    assert wrong in caught.value.message_fr and digest(DATA) in caught.value.message_en
    assert caught.value.where == portal.source().url
    assert not (tmp_path / "reg.csv").exists() and not (tmp_path / "reg.csv.part").exists()


def test_right_expected_sha256_is_accepted(portal, tmp_path):
    result = fetch(portal.source(sha256=digest(DATA).upper()), tmp_path)
    assert result.sha256 == digest(DATA)


def test_404_is_an_immediate_clear_error(portal, tmp_path):
    with pytest.raises(InputError) as caught:
        fetch(portal.source("/missing.csv"), tmp_path)
    assert "404" in caught.value.message_fr and "404" in caught.value.message_en
    assert "réglages" in caught.value.message_fr and "settings" in caught.value.message_en
    assert len(portal.requests) == 1
    assert not (tmp_path / "reg.csv").exists()


def test_a_500_once_is_retried(portal, tmp_path):
    portal.fail_500 = 1
    result = fetch(portal.source(), tmp_path)
    assert result.path.read_bytes() == DATA
    assert len(portal.requests) == 2


def test_persistent_500_fails_after_the_retries(portal, tmp_path):
    portal.fail_500 = 10
    with pytest.raises(InputError) as caught:
        fetch(portal.source(), tmp_path, retries=2)
    assert "3" in caught.value.message_en and "500" in caught.value.message_en
    assert len(portal.requests) == 3
    assert not (tmp_path / "reg.csv").exists()


def test_an_unchanged_file_is_not_downloaded_again(portal, tmp_path):
    fetch(portal.source(), tmp_path)
    again = fetch(portal.source(), tmp_path)
    assert again.skipped and again.sha256 == digest(DATA)
    assert len(portal.requests) == 1


def test_a_file_altered_on_disk_is_downloaded_again(portal, tmp_path):
    fetch(portal.source(), tmp_path)
    (tmp_path / "reg.csv").write_bytes(b"tampered")
    again = fetch(portal.source(), tmp_path)
    assert not again.skipped and again.path.read_bytes() == DATA
    assert len(portal.requests) == 2


def test_a_part_left_by_an_interrupted_run_is_resumed(portal, tmp_path):
    (tmp_path / "reg.csv.part").write_bytes(DATA[:CUT])
    result = fetch(portal.source(), tmp_path)
    assert result.resumed and result.path.read_bytes() == DATA
    assert portal.requests[0]["range"] == f"bytes={CUT}-"


def test_a_whole_part_answered_416_is_kept(portal, tmp_path):
    (tmp_path / "reg.csv.part").write_bytes(DATA)
    result = fetch(portal.source(), tmp_path)
    assert result.resumed and result.path.read_bytes() == DATA
    assert len(portal.requests) == 1


def test_a_file_changed_between_runs_is_not_spliced(portal, tmp_path):
    portal.cut_after = CUT
    with pytest.raises(InputError):
        fetch(portal.source(), tmp_path, retries=0)
    assert (tmp_path / "reg.csv.part").stat().st_size == CUT
    new = bytes(reversed(DATA))
    portal.files["/reg.csv"] = new
    result = fetch(portal.source(), tmp_path)
    assert portal.requests[1]["if-range"]
    assert result.path.read_bytes() == new and not result.resumed


def test_gzip_sources_are_checked(portal, tmp_path):
    portal.files["/reg.csv.gz"] = gzip.compress(DATA)
    assert fetch(portal.source("/reg.csv.gz", gz=True), tmp_path).bytes > 0
    with pytest.raises(InputError, match="gzip"):
        fetch(portal.source(gz=True), tmp_path / "plain")
    assert not (tmp_path / "plain" / "reg.csv").exists()


def test_a_file_name_with_a_directory_is_refused(portal, tmp_path):
    with pytest.raises(InputError):
        fetch(Download("reg", portal.source().url, "../reg.csv"), tmp_path / "d")
    assert not portal.requests


def test_the_cli_fetches_a_register_the_load_then_reads(portal, tmp_path):
    """``passerelle fetch rnsr`` from the URL the settings give, then ``passerelle load``
    finds it where fetch left it and loads the units; a fetch of an unknown register fails
    with a clear message."""
    from tests.cli import passerelle

    rnsr = (
        "numero_national_de_structure;libelle;sigle;code_postal;commune;tutelles;"
        "sigles_des_tutelles;domaine_scientifique;panel_erc\n"
        "200918462H;Institut Jean Lamour;IJL;54011;NANCY CEDEX;Université de Lorraine;LORRAINE;"
        "Sciences de l'ingénieur;PE8 Products and Processes Engineering\n"
    ).encode()
    portal.files["/rnsr.csv"] = rnsr
    env = {
        **os.environ,
        "PASSERELLE_HOME": str(tmp_path / "home"),
        "PASSERELLE_RNSR_URL": portal.base + "/rnsr.csv",
    }
    env.pop("PASSERELLE_REGISTERS", None)
    done = passerelle(env, "fetch", "rnsr")
    assert done.returncode == 0, done.stderr
    saved = tmp_path / "home" / "registers" / "rnsr" / "rnsr_structures_actives.csv"
    assert saved.read_bytes() == rnsr
    assert (saved.parent / (saved.name + ".sha256")).read_text().startswith(digest(rnsr))
    loaded = passerelle(env, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "rnsr: lues / read 1" in loaded.stdout
    assert "registers not found: anr" in loaded.stdout
    assert "4 unités" not in loaded.stdout and "20 unités de recherche" in loaded.stdout
    bad = passerelle(env, "fetch", "esco")
    assert (
        bad.returncode == 2 and "Registre inconnu" in bad.stderr and "Traceback" not in bad.stderr
    )
