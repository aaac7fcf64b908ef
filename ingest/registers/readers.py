"""Reading public registers safely: whole-file checks first, then rows streamed one by one.

A malformed file (missing, not UTF-8, not gzip when named ``.gz``, wrong delimiter, a required
column missing) stops with a clear ``InputError`` before anything is written. A malformed row is
reported with its file, line and reason, and skipped.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from graph.errors import InputError

_CHUNK = 1 << 20
csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class RowError:
    """One rejected row: where and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, ligne {self.line} : {self.reason}"


@dataclass
class Report:
    """What a loader did: rows read, nodes created, updated, unchanged, rows rejected."""

    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored: int = 0
    errors: list[RowError] = field(default_factory=list)
    merges: dict[str, list[str]] = field(default_factory=dict)
    """Entity resolution: each merged key with the spellings that became one node."""

    def reject(self, error: RowError) -> None:
        """Count a rejected row and keep its reason."""
        self.rejected += 1
        self.errors.append(error)

    def readable(
        self, records: Iterable[tuple[int, dict[str, str] | RowError]]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """The records that could be read, counting every record and keeping each error."""
        for line, row in records:
            self.read += 1
            if isinstance(row, RowError):
                self.reject(row)
            else:
                yield line, row

    def as_dict(self) -> dict[str, object]:
        """The report for ``--json``."""
        return {
            "source": self.source,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored": self.ignored,
            "errors": [{"file": e.file, "line": e.line, "reason": e.reason} for e in self.errors],
            "merges": self.merges,
        }


def _open_binary(path: Path) -> IO[bytes]:
    if not path.is_file():
        raise InputError(
            f"Fichier introuvable : {path}", f"File not found: {path}", where=str(path)
        )
    if path.name.endswith(".gz"):
        with path.open("rb") as f:
            if f.read(2) != b"\x1f\x8b":
                raise InputError(
                    f"{path.name} n'est pas compressé en gzip alors que son nom finit par .gz.",
                    f"{path.name} is not gzip-compressed although its name ends in .gz.",
                    where=str(path),
                )
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def check_utf8(path: Path) -> int:
    """Decode the whole file as UTF-8 (streamed); the number of lines, or InputError."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, offset = 1, 0
    try:
        with _open_binary(path) as f:
            while chunk := f.read(_CHUNK):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as e:
                    line = lines + chunk[: e.start].count(b"\n")
                    raise InputError(
                        f"{path.name} n'est pas en UTF-8 (ligne {line}, octet {offset + e.start}) :"
                        " réenregistrez-le en UTF-8.",
                        f"{path.name} is not UTF-8 (line {line}, byte {offset + e.start}):"
                        " save it as UTF-8.",
                        where=f"{path}:{line}",
                    ) from e
                lines += text.count("\n")
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(
            f"Lecture impossible de {path.name} : {e}",
            f"Cannot read {path.name}: {e}",
            where=str(path),
        ) from e
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path.name} se termine au milieu d'un caractère UTF-8.",
            f"{path.name} ends in the middle of a UTF-8 character.",
            where=str(path),
        ) from e
    return lines


def _text(path: Path) -> io.TextIOWrapper:
    return io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", newline="")


Rows = Iterator[tuple[int, dict[str, str] | RowError]]


def open_rows(
    path: Path, *, delimiter: str | Sequence[str], required: Sequence[str]
) -> tuple[int, Records]:
    """Check the whole file now, then give its line count and its records, read lazily.

    ``delimiter`` may list candidates: the one that splits the header into most fields is used.
    Raises InputError here when the file cannot be used at all (missing, not UTF-8, not gzip
    when named ``.gz``, wrong delimiter, a required column missing); the records come as
    ``(line, row)`` or ``(line, RowError)``.
    """
    lines = check_utf8(path)
    with _text(path) as f:
        first = f.readline()
    candidates = [delimiter] if isinstance(delimiter, str) else list(delimiter)
    chosen = max(candidates, key=lambda d: len(next(csv.reader([first], delimiter=d), [])))
    header = [h.strip() for h in next(csv.reader([first], delimiter=chosen), [])]
    if len(header) <= 1:
        other = next((d for d in ",;\t|" if d not in candidates and d in first), None)
        hint = f" (il semble séparé par « {other} »)" if other else ""
        hint_en = f" (it seems separated by '{other}')" if other else ""
        expected = " ".join(f"« {d} »" for d in candidates)
        raise InputError(
            f"{path.name} : séparateur attendu {expected} introuvable dans l'en-tête{hint}.",
            f"{path.name}: expected delimiter {' '.join(repr(d) for d in candidates)} not found "
            f"in the header{hint_en}.",
            where=f"{path}:1",
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"{path.name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}.",
            f"{path.name}: required column(s) missing: {', '.join(missing)}.",
            where=f"{path}:1",
        )
    return lines, Records(path, header, chosen)


@dataclass(frozen=True)
class Records:
    """A checked file's records, read lazily, afresh at each iteration."""

    path: Path
    header: list[str]
    delimiter: str

    def __iter__(self) -> Rows:
        return _records(self.path, self.header, self.delimiter)


def _records(path: Path, header: list[str], delimiter: str) -> Rows:
    with _text(path) as f:
        f.readline()
        reader = csv.reader(f, delimiter=delimiter)
        line = 2
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield line, RowError(path.name, line, f"ligne illisible / unreadable line: {e}")
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 2
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield (
                    start,
                    RowError(
                        path.name,
                        start,
                        f"{len(values)} champs au lieu de {len(header)} / "
                        f"{len(values)} fields instead of {len(header)}",
                    ),
                )
                continue
            yield start, dict(zip(header, (v.strip() for v in values), strict=True))


def read_rows(path: Path, *, delimiter: str | Sequence[str], required: Sequence[str]) -> Rows:
    """``open_rows``'s records, its checks made when the first record is asked for."""
    _, rows = open_rows(path, delimiter=delimiter, required=required)
    yield from rows


def split_values(value: str, sep: str) -> tuple[str, ...]:
    """The values of a multi-valued field, ``sep``-joined: spacing folded, empty ones and
    repeats left out, in order.

    >>> split_values("CNRS ;  Université de Lorraine;;CNRS", ";")
    ('CNRS', 'Université de Lorraine')
    """
    seen: dict[str, None] = {}
    for part in value.split(sep):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    return tuple(seen)
