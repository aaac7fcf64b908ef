"""Extraction throughput on real text, next to raw spaCy ``nlp.pipe`` on the same model.

The French corpus is the RNSR register of French research units (the shared public data in
``../shared/data`` or ``$PASSERELLE_SHARED_DATA``, never copied into the repository): one document
per unit, its name then its scientific domains (``libelle + ". " + domaine_scientifique``), for
the first 2000 units that have both. ``SpacyExtractor.extract_many`` (cleaning, language
detection, fr_core_news_sm, then our token analysis, concept matching, keywords and terms) is
timed against a bare ``nlp.pipe`` of fr_core_news_sm loaded with the same components (the
extractor's parser and NER left out), on the same documents.

Both are measured in the same run: over several rounds they take turns chunk by chunk (about one
spaCy batch each), the order flipping at every chunk, and the ratio of their times is taken round
by round (the median is reported), so it holds on a noisy shared machine. Throughput is given in
documents and in whitespace-separated words per second. The extractor keeps its per-word analysis
cache from round to round, as a running service does.

The English CORDIS objectives (Horizon Europe sample) are timed too, for information only: the
extractor reads English with a blank tokenizer, so their baseline is ``spacy.blank("en").pipe``
and their ratio shows the cost of our own analysis rather than of a model.

Goal: extraction throughput at least 0.8x raw spaCy on the French corpus.
"""

from __future__ import annotations

import csv
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from ingest.language.extract import FRENCH_MODEL, SpacyExtractor
from ingest.language.normalize import clean_text, detect_language
from ingest.language.vocabulary import load_vocabulary

ROUNDS = 9
CHUNK = 250  # documents per turn, about one nlp.pipe batch (256 by default)
FRENCH_DOCS = 2000
GOAL = 0.8
# The components SpacyExtractor leaves out of fr_core_news_sm (checked against it below).
EXCLUDED = ["parser", "ner"]


def shared_data() -> Path:
    """The shared public data folder: $PASSERELLE_SHARED_DATA, or ../shared/data by the repo."""
    env = os.environ.get("PASSERELLE_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def read_rows(path: Path, delimiter: str) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file with a header line."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def french_corpus(data: Path, limit: int = FRENCH_DOCS) -> list[str]:
    """RNSR units as ``libelle. domaine_scientifique``, the first ``limit`` with both fields."""
    docs = []
    for row in read_rows(data / "rnsr" / "rnsr_structures_actives.csv", ";"):
        name, domains = row["libelle"].strip(), row["domaine_scientifique"].strip()
        if name and domains:
            docs.append(f"{name}. {domains}")
    return docs[:limit]


def english_corpus(data: Path) -> list[str]:
    """Horizon Europe projects (CORDIS sample) as ``title. objective``."""
    rows = read_rows(data / "cordis" / "horizon-europe-sample" / "projects.csv", "|")
    return [f"{r['title'].strip()}. {r['objective'].strip()}" for r in rows if r["objective"]]


def measure(
    runs: Sequence[tuple[str, Callable[[list[str]], object]]], docs: list[str]
) -> dict[str, list[float]]:
    """Seconds per whole pass of each run over ``docs``, for each of ``ROUNDS`` rounds.

    The runs take turns chunk by chunk (``CHUNK`` documents), the order flipping at each chunk,
    so that both meet the same load on the machine.
    """
    chunks = [docs[i : i + CHUNK] for i in range(0, len(docs), CHUNK)]
    timings: dict[str, list[float]] = {name: [] for name, _ in runs}
    for r in range(ROUNDS):
        gc.collect()
        spent = dict.fromkeys(timings, 0.0)
        for c, chunk in enumerate(chunks):
            for name, fn in runs if (r + c) % 2 == 0 else reversed(runs):
                t = time.perf_counter()
                fn(chunk)
                spent[name] += time.perf_counter() - t
        for name, seconds in spent.items():
            timings[name].append(seconds)
    return timings


def compare(
    label: str, docs: list[str], extractor: SpacyExtractor, raw: Language, raw_name: str
) -> float:
    """Print the throughputs of ours and of raw spaCy on ``docs``; the median ratio ours/raw."""
    extractor.extract_many(docs[:200])  # warm-up: first calls allocate and fill caches
    list(raw.pipe(docs[:200]))
    timings = measure(
        [("ours", extractor.extract_many), ("raw", lambda chunk: list(raw.pipe(chunk)))], docs
    )
    words = sum(len(d.split()) for d in docs)
    ratios = [r / o for o, r in zip(timings["ours"], timings["raw"], strict=True)]
    ratio = statistics.median(ratios)
    print(f"\n{label}: {len(docs)} documents, {words} words")
    for name, title in (("ours", "SpacyExtractor.extract_many"), ("raw", raw_name)):
        seconds = statistics.median(timings[name])
        print(
            f"  {title:<34}{len(docs) / seconds:>8.0f} docs/s{words / seconds:>10.0f} words/s"
            f"  (median pass {seconds:.2f} s)"
        )
    print(
        f"  ratio ours/raw, paired round by round: {ratio:.2f} (median of {ROUNDS} rounds; "
        f"range {min(ratios):.2f}-{max(ratios):.2f})"
    )
    return ratio


def main() -> int:
    data = shared_data()
    if not (data / "rnsr" / "rnsr_structures_actives.csv").exists():
        print(f"the shared public data is not there ({data}): set PASSERELLE_SHARED_DATA")
        return 2
    extractor = SpacyExtractor(load_vocabulary())
    raw_fr = spacy.load(FRENCH_MODEL, exclude=EXCLUDED)
    ours_fr = extractor.nlp_fr
    if (raw_fr.pipe_names, raw_fr.disabled) != (ours_fr.pipe_names, ours_fr.disabled):
        print(
            f"raw pipeline {raw_fr.pipe_names} (disabled {raw_fr.disabled}) differs from the "
            f"extractor's {ours_fr.pipe_names} (disabled {ours_fr.disabled}): update EXCLUDED"
        )
        return 2
    french = french_corpus(data)
    english_in_french = sum(detect_language(clean_text(d)) == "en" for d in french)
    print(
        f"fr_core_news_sm components: {', '.join(raw_fr.pipe_names)} (both sides); "
        f"{english_in_french} RNSR documents are detected as English"
    )
    ratio = compare(
        "French, RNSR units", french, extractor, raw_fr, "raw nlp.pipe (fr_core_news_sm)"
    )
    english = english_corpus(data)
    compare(
        "English, CORDIS objectives (information only)",
        english,
        extractor,
        spacy.blank("en"),
        'raw nlp.pipe (spacy.blank("en"))',
    )
    goal = ratio >= GOAL
    print(
        f"\ngoal throughput(ours) >= {GOAL}x raw spaCy on the French corpus: "
        f"{'met' if goal else 'NOT met'} ({ratio:.2f}x)"
    )
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
