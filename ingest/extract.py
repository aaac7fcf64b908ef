"""Concept extraction with spaCy: French through fr_core_news_sm, English through a blank pipeline.

A text becomes a stream of normalised tokens, each carrying the keys it may match on (the light
stem of its form and of its lemma, and its exact spelling for acronyms). Vocabulary labels go
through the same analysis and into a trie, so plurals, feminine forms, elisions, accents and
hyphenation match without listing them. Noun phrases that no concept covers are kept as keywords.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc, Token

from graph import text as graph_text
from graph.errors import ExtractionError
from graph.model import Concept, ConceptMention, Extraction
from graph.text import fold
from ingest import normalize
from ingest.normalize import (
    LINKING_WORDS,
    STOPWORDS_EN,
    STOPWORDS_FR,
    clean_text,
    detect_language,
    en_lemma,
    is_acronym,
    stem,
    strip_elision,
)

FRENCH_MODEL = "fr_core_news_sm"
MAX_EVIDENCE = 3
MAX_KEYWORDS = 15
# Words too general to make a keyword on their own (a need's boilerplate).
_GENERIC = frozenset(
    fold(w)
    for w in """besoin besoins problème problèmes solution solutions entreprise société pme
    client clients question questions projet projets année années mois jour jours fois cas
    type types partie parties niveau niveaux possibilité manière façon aide idée exemple
    laboratoire laboratoires recherche équipe équipes thème thèmes domaine domaines
    pièce pièces produit produits besoin
    need needs problem problems company solution help way lab laboratory research team""".split()
)


def _stop_words() -> frozenset[str]:
    """Our function words plus spaCy's French and English stop lists, folded."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    words = STOPWORDS_FR | STOPWORDS_EN | LINKING_WORDS | FR | EN
    return frozenset(w for word in words for w in (word, fold(word), stem(fold(word))))


_STOP = _stop_words()


@dataclass(slots=True)
class _Tok:
    keys: frozenset[str]
    start: int
    end: int
    barrier: bool = False
    linking: bool = False
    pos: str = ""
    lemma_key: str = ""
    word: str = ""
    """The folded spelling (lower case, no accents)."""
    form: str = ""
    """The folded spelling without elision."""
    lower: str = ""
    """The spelling in lower case."""


# How a spaCy token reads, wherever it stands: its _Tok values with offsets relative to the token.
_Analysis = tuple[_Tok, ...]
_ANALYSIS_CACHE_SIZE = 100_000
_ATTRS = [ORTH, LEMMA, POS, IS_SPACE, IS_PUNCT, IDX]


def _keys(text: str, lemma: str) -> frozenset[str]:
    form = strip_elision(fold(text))
    keys = {stem(form), stem(strip_elision(fold(lemma)))}
    return frozenset(k for k in keys if k)


def _insert(
    children: list[dict[str, int]], ends: list[set[str]], toks: list[_Tok], concept_id: str
) -> None:
    """Add a label to the flat trie (node 0 is the root): one path per choice of key at each
    token; new nodes are numbered as they come."""
    nodes = [0]
    for tok in toks:
        nxt: list[int] = []
        for node in nodes:
            for key in tok.keys:
                child = children[node].get(key)
                if child is None:
                    child = children[node][key] = len(children)
                    children.append({})
                    ends.append(set())
                nxt.append(child)
        nodes = nxt
    for node in nodes:
        ends[node].add(concept_id)


class SpacyExtractor:
    """Finds vocabulary concepts, keywords and terms in French or English text.

    Parameters
    ----------
    concepts : sequence of Concept
        The vocabulary to link to.
    model : str
        Name of the installed French spaCy pipeline.
    cache_dir : Path, optional
        Where the analysed vocabulary (the label trie) is kept between runs, keyed by the
        vocabulary, the model and this code: a vocabulary with the 13,000 ESCO skills is then
        read back in a moment instead of analysed again.
    """

    def __init__(
        self,
        concepts: Sequence[Concept],
        model: str = FRENCH_MODEL,
        cache_dir: Path | None = None,
    ) -> None:
        try:
            self.nlp_fr: Language = spacy.load(model, exclude=["parser", "ner"])
        except OSError as e:
            raise ExtractionError(
                f"Le modèle spaCy {model} n'est pas installé : lancez `make install`.",
                f"The spaCy model {model} is not installed: run `make install`.",
            ) from e
        self.nlp_en: Language = spacy.blank("en")
        self._analyses: dict[tuple[int, int, int, int, str], _Analysis] = {}
        self.concepts = {c.id: c for c in concepts}
        # the label trie, flat: node i's children by token key, and the concepts ending there
        # (plain lists and dicts: a vocabulary with ESCO has over a million nodes, and these
        # are read back from the cache many times faster than as objects)
        self._children: list[dict[str, int]] = []
        self._ends: list[frozenset[str]] = []
        self.trie_from_cache = False
        cached = self._cache_path(concepts, cache_dir) if cache_dir else None
        if cached is not None and cached.exists():
            try:
                with cached.open("rb") as f:
                    flat = pickle.load(f)  # noqa: S301 (our own file, in the user's home)
                children, ends = flat
                if (
                    isinstance(children, list)
                    and isinstance(ends, list)
                    and len(children) == len(ends)
                ):
                    self._children, self._ends, self.trie_from_cache = children, ends, True
            except (
                OSError,
                pickle.UnpicklingError,
                EOFError,
                AttributeError,
                TypeError,
                ValueError,
            ):
                pass  # a damaged cache is rebuilt
        if not self.trie_from_cache:
            self._build(concepts)
            if cached is not None:
                self._save(cached)

    def _cache_path(self, concepts: Sequence[Concept], cache_dir: Path) -> Path:
        digest = hashlib.sha256()
        for source in (__file__, normalize.__file__, graph_text.__file__):
            digest.update(Path(source).read_bytes())
        digest.update(f"{self.nlp_fr.meta.get('name')}-{self.nlp_fr.meta.get('version')}".encode())
        for c in sorted(concepts, key=lambda c: c.id):
            digest.update(
                json.dumps([c.id, c.source, c.label_fr, c.alt_fr, c.label_en, c.alt_en]).encode()
            )
        return cache_dir / f"vocabulary-{digest.hexdigest()[:20]}.pickle"

    def _save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as f:
                pickle.dump((self._children, self._ends), f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)  # atomic: a reader never sees half a file
        except OSError:
            pass  # no cache: the next start analyses the vocabulary again

    # -- vocabulary ---------------------------------------------------------------------------
    def _build(self, concepts: Sequence[Concept]) -> None:
        # each distinct label text is analysed once, whatever the number of concepts sharing it
        by_lang: dict[str, dict[str, list[str]]] = {
            "fr": defaultdict(list),
            "en": defaultdict(list),
        }
        for c in concepts:
            for label in (c.label_fr, *c.alt_fr):
                by_lang["fr"][clean_text(label)].append(c.id)
            if c.source != "passerelle":
                continue  # register extensions (ESCO, NAF) are French only
            for label in (c.label_en, *c.alt_en):
                by_lang["en"][clean_text(label)].append(c.id)
        children: list[dict[str, int]] = [{}]
        ends: list[set[str]] = [set()]
        for lang, items in by_lang.items():
            nlp = self.nlp_fr if lang == "fr" else self.nlp_en
            texts = list(items)
            for text, doc in zip(texts, nlp.pipe(texts, batch_size=512), strict=True):
                toks = [t for t in self._tokens(doc, lang) if not t.linking]
                if not toks or any(t.barrier for t in toks):
                    continue
                for cid in items[text]:
                    _insert(children, ends, toks, cid)
        none: frozenset[str] = frozenset()
        self._children = children
        self._ends = [frozenset(e) if e else none for e in ends]

    # -- analysis -------------------------------------------------------------------------------
    def _tokens(self, doc: Doc, lang: str) -> list[_Tok]:
        """The tokens of a document, each spaCy token analysed once and then read from a cache."""
        out: list[_Tok] = []
        cache = self._analyses
        for i, (orth, lemma, pos, space, punct, idx) in enumerate(doc.to_array(_ATTRS).tolist()):
            if space:
                continue
            key = (orth, lemma if lang == "fr" else 0, pos, punct, lang)
            analysis = cache.get(key)
            if analysis is None:
                if len(cache) >= _ANALYSIS_CACHE_SIZE:
                    cache.clear()
                analysis = cache[key] = self._analyse(doc[i], lang)
            for a in analysis:
                out.append(
                    _Tok(
                        a.keys,
                        a.start + idx,
                        a.end + idx,
                        a.barrier,
                        a.linking,
                        a.pos,
                        a.lemma_key,
                        a.word,
                        a.form,
                        a.lower,
                    )
                )
        return out

    @staticmethod
    def _analyse(t: Token, lang: str) -> _Analysis:
        """The _Tok values of a spaCy token, with offsets from the token's start."""
        if t.text == "-" or t.text == "\u2010":
            return ()  # hyphens join words: "jumeau-numérique" == "jumeau numérique"
        if t.is_punct or not any(ch.isalnum() for ch in t.text):
            return (_Tok(frozenset(), 0, len(t.text), barrier=True),)
        out: list[_Tok] = []
        parts = [p for p in re.split(r"[-./]", t.text) if any(ch.isalnum() for ch in p)]
        offset = 0
        for part in parts:
            start = t.text.find(part, offset)
            lemma = t.lemma_ if len(parts) == 1 and lang == "fr" else part
            if lang == "en":
                lemma = en_lemma(part.lower())
            word = fold(part)
            folded = strip_elision(word)
            if is_acronym(part):
                keys = frozenset({"=" + part})
            else:
                keys = _keys(part, lemma)
            out.append(
                _Tok(
                    keys | {"=" + part},
                    start,
                    start + len(part),
                    linking=folded in LINKING_WORDS or word in LINKING_WORDS,
                    pos=t.pos_,
                    lemma_key=stem(strip_elision(fold(lemma))),
                    word=word,
                    form=folded,
                    lower=part.lower(),
                )
            )
            offset = start + len(part)
        return tuple(out)

    def _match(self, toks: list[_Tok]) -> list[tuple[int, int, frozenset[str]]]:
        """Longest, leftmost, non-overlapping matches: (first token, last token, concept ids)."""
        found: list[tuple[int, int, frozenset[str]]] = []
        i = 0
        while i < len(toks):
            if toks[i].barrier or toks[i].linking:
                i += 1
                continue
            best: tuple[int, frozenset[str]] | None = None
            frontier: list[tuple[int, int]] = [(0, i)]
            children, ends = self._children, self._ends
            while frontier:
                node, j = frontier.pop()
                while j < len(toks) and toks[j].linking:
                    j += 1
                if j >= len(toks) or toks[j].barrier:
                    continue
                for key in toks[j].keys:
                    child = children[node].get(key)
                    if child is None:
                        continue
                    if ends[child]:
                        # several paths may end on the same word (a label in the singular,
                        # another in the plural): every concept of the longest span is kept,
                        # whatever order the keys come in
                        if best is None or j > best[0]:
                            best = (j, ends[child])
                        elif j == best[0]:
                            best = (j, best[1] | ends[child])
                    frontier.append((child, j + 1))
            if best is None:
                i += 1
            else:
                found.append((i, best[0], best[1]))
                i = best[0] + 1
        return found

    def _keywords(self, toks: list[_Tok], covered: set[int], lang: str) -> list[str]:
        """Noun phrases not covered by a concept, most frequent first."""
        phrases: Counter[str] = Counter()
        first: dict[str, int] = {}
        stop = _STOP
        i = 0
        while i < len(toks):
            t = toks[i]
            head_ok = (
                (t.pos in ("NOUN", "PROPN")) if lang == "fr" else (t.pos == "" and not t.linking)
            )
            word = t.word
            if t.barrier or t.linking or not head_ok or word in stop or i in covered:
                i += 1
                continue
            j = i + 1
            while j < len(toks) and j - i < 4 and j not in covered:
                u = toks[j]
                w = u.word
                if u.barrier or u.linking or w in stop or not w.isalpha():
                    break
                if lang == "fr" and u.pos not in ("ADJ", "NOUN", "PROPN"):
                    break
                j += 1
            span = [toks[k].lower for k in range(i, j)]
            if word not in _GENERIC and len(word) > 2 and word.isalpha():
                phrase = " ".join(span)
                phrases[phrase] += 1
                first.setdefault(phrase, i)
            i = j
        ranked = sorted(phrases, key=lambda p: (-phrases[p], -len(p.split()), first[p]))
        return ranked[:MAX_KEYWORDS]

    def _extract_doc(self, text: str, doc: Doc, lang: str) -> Extraction:
        toks = self._tokens(doc, lang)
        counts: Counter[str] = Counter()
        evidence: dict[str, list[str]] = defaultdict(list)
        covered: set[int] = set()
        for a, b, ids in self._match(toks):
            span = text[toks[a].start : toks[b].end]
            covered.update(range(a, b + 1))
            for cid in sorted(ids):
                counts[cid] += 1
                if span not in evidence[cid] and len(evidence[cid]) < MAX_EVIDENCE:
                    evidence[cid].append(span)
        mentions = tuple(
            ConceptMention(concept_id=cid, weight=1 - 0.5**n, evidence=tuple(evidence[cid]))
            for cid, n in sorted(counts.items())
        )
        terms = tuple(
            t.lemma_key
            for t in toks
            if not t.barrier
            and not t.linking
            and len(t.lemma_key) > 1
            and t.form not in _STOP
            and t.lemma_key not in _STOP
        )
        return Extraction(
            language="en" if lang == "en" else "fr",
            mentions=mentions,
            keywords=tuple(self._keywords(toks, covered, lang)),
            terms=terms,
        )

    # -- public -------------------------------------------------------------------------------
    def extract(self, text: str) -> Extraction:
        """Concepts, keywords and terms of one text.

        Raises
        ------
        ExtractionError
            When the text is empty or blank.
        """
        return self.extract_many([text])[0]

    def extract_many(self, texts: Sequence[str]) -> list[Extraction]:
        """Analyse texts in batches, each in its own detected language."""
        cleaned = [clean_text(t) for t in texts]
        for n, t in enumerate(cleaned):
            if not t.strip():
                raise ExtractionError(
                    f"Texte vide (texte n° {n + 1}) : décrivez le besoin ou la compétence.",
                    f"Empty text (text #{n + 1}): describe the need or the capability.",
                )
        langs = [detect_language(t) for t in cleaned]
        results: list[Extraction | None] = [None] * len(cleaned)
        for lang, nlp in (("fr", self.nlp_fr), ("en", self.nlp_en)):
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            for i, doc in zip(idx, nlp.pipe(cleaned[i] for i in idx), strict=True):
                results[i] = self._extract_doc(cleaned[i], doc, lang)
        return [r for r in results if r is not None]

    def labels_of(self, ids: Iterable[str], language: str = "fr") -> dict[str, str]:
        """Preferred labels of concept ids."""
        return {
            i: (self.concepts[i].label_fr if language == "fr" else self.concepts[i].label_en)
            for i in ids
            if i in self.concepts
        }
