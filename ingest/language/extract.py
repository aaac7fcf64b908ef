"""Concept extraction with spaCy: French through fr_core_news_sm, English through a blank pipeline.

A text becomes a stream of normalised tokens, each carrying the keys it may match on (the light
stem of its form and of its lemma, and its exact spelling for acronyms). Vocabulary labels go
through the same analysis and into a trie, so plurals, feminine forms, elisions, accents and
hyphenation match without listing them. A French word that is a form of a verb also carries a
key naming the verb, so that « rouillent » meets the label « rouiller »; an English participle the
vocabulary does not know also carries the keys of its base ("rusted" meets "rust"). Noun phrases
that no concept covers are kept as keywords. A text is analysed in its detected language, or in
the one the caller forces.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

from graph import text as graph_text
from graph.errors import ExtractionError
from graph.model import Concept, ConceptMention, Extraction
from graph.text import fold
from ingest.language import normalize
from ingest.language.normalize import (
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

# -- verbs and adjectives ---------------------------------------------------------------------
# Lay wording names a phenomenon by its verb or adjective (« nos pièces rouillent », « les
# outils s'usent », "rusted", "noisy") where the vocabulary names it by a noun (rouille, usure,
# rust, noise). French verbs are recognised in the lemma tables of the French model itself, so
# that every conjugated form meets the infinitive written in the vocabulary (fr_alt: [rouiller]);
# English forms are reduced by a few suffix rules.

_VERB = "v:"
"""Prefix of the key naming a French verb: « rouillent », « rouillées », « rouiller » all carry
``v:rouiller``. The prefix keeps the verb apart from a word of the same spelling in the other
language: the French « user » (to wear out) is not the English "user"."""

_EXTRA_VERB_RULES = (("e", "er"),)
"""A suffix rule the model's verb rules lack: « la pièce rouille », « l'outil s'use »."""

_ADJECTIVE_ENDINGS = ("ant", "ante", "ants", "antes")
"""Present participles are adjectives unless tagged as verbs: « un agent oxydant »."""

_ARTICLES = frozenset(
    """le la les l un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses
    notre nos votre vos leur leurs""".split()
)
"""After one of these, a word spelled as an infinitive is a noun (« le savoir », « un gripper »)."""

_EN_FORMS = {"worn": "wear", "wore": "wear", "noisy": "noise", "rusty": "rust"}
"""English forms no suffix rule reduces to the noun the vocabulary writes (irregular participles,
adjectives in -y)."""


@dataclass(frozen=True, slots=True)
class _FrenchVerbs:
    """The verbs of the French model's lemma tables, to read a word form as a verb."""

    infinitives: frozenset[str]
    """Folded infinitives."""
    nouns: frozenset[str]
    """Lower-case nouns (the model's noun index)."""
    exceptions: Mapping[str, Sequence[str]]
    """Irregular forms, lower case, to their infinitives (« casse » -> « casser »)."""
    rules: tuple[tuple[str, str], ...]
    """Folded suffix rules (« ent » -> « er »)."""

    @classmethod
    def of(cls, nlp: Language) -> _FrenchVerbs:
        key = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
        verbs = _FRENCH_VERBS.get(key)
        if verbs is None:
            verbs = _FRENCH_VERBS[key] = cls._read(nlp)
        return verbs

    @classmethod
    def _read(cls, nlp: Language) -> _FrenchVerbs:
        pipe = nlp.get_pipe("lemmatizer") if nlp.has_pipe("lemmatizer") else None
        if not isinstance(pipe, Lemmatizer):  # a pipeline without lemma tables: no verbs
            return cls(frozenset(), frozenset(), {}, ())
        index = pipe.lookups.get_table("lemma_index", {})
        exceptions = dict(pipe.lookups.get_table("lemma_exc", {}).get("verb", {}))
        rules = list(pipe.lookups.get_table("lemma_rules", {}).get("verb", []))
        infinitives = {fold(v) for v in index.get("verb", [])}
        infinitives.update(fold(v) for forms in exceptions.values() for v in forms)
        folded = [(fold(old), fold(new)) for old, new in rules if old.isalpha()]
        return cls(
            frozenset(infinitives),
            frozenset(index.get("noun", [])),
            exceptions,
            tuple(dict.fromkeys([*folded, *_EXTRA_VERB_RULES])),
        )

    def readings(
        self, lower: str, pos: str, lemma: str, label: bool = False
    ) -> tuple[frozenset[str], bool]:
        """The infinitives a French word form may be a form of, and whether it is spelled as
        an infinitive.

        ``lower`` is the form in lower case without elision, ``pos`` and ``lemma`` what the
        model says of it. In a text, a word the model tags as a noun and knows as one
        (« oxyde », « usine », « grippe ») is not read as a verb, nor an adjective in -ant
        (« oxydant »); any other form is, through the model's irregular forms and suffix
        rules, when they lead to a verb it knows: the tagger often takes « rouillent » for a
        noun, « fissurent » for an adjective. In a ``label``, tagged out of context, only
        infinitives and words tagged as verbs that are not known nouns are read as verbs
        (« bois » is no form of « boire », « minerai » none of « miner »).
        """
        word = fold(lower)
        if word in self.infinitives:
            return frozenset({word}), True
        verb = pos in ("VERB", "AUX")
        noun = lower in self.nouns or (lower[-1] in "sx" and lower[:-1] in self.nouns)
        if noun and (label or pos in ("NOUN", "PROPN")):
            return frozenset(), False
        if (label and not verb) or (not verb and word.endswith(_ADJECTIVE_ENDINGS)):
            return frozenset(), False
        found = {fold(v) for v in self.exceptions.get(lower, ())} & self.infinitives
        if verb and fold(lemma) in self.infinitives:
            found.add(fold(lemma))
        if not found:
            for old, new in self.rules:
                if word.endswith(old) and len(word) > len(old) + 1:
                    candidate = word[: len(word) - len(old)] + new
                    if candidate in self.infinitives:
                        found.add(candidate)
        return frozenset(found), False


_FRENCH_VERBS: dict[str, _FrenchVerbs] = {}


def _en_bases(lower: str) -> frozenset[str]:
    """Keys of the words an English form may come from: "rusted" -> rust, "cracking" -> crack,
    "vibrating" -> vibrat(e), "worn" -> wear (stems, as in the keys).

    >>> sorted(_en_bases("rusted")), sorted(_en_bases("stopped")), sorted(_en_bases("noisy"))
    (['rust'], ['stop', 'stopp'], ['nois'])
    >>> sorted(_en_bases("used")), sorted(_en_bases("thing"))
    ([], [])
    """
    bases = set()
    if lower in _EN_FORMS:
        bases.add(_EN_FORMS[lower])
    for suffix in ("ing", "ed"):
        base = lower[: -len(suffix)]
        if lower.endswith(suffix) and len(base) >= 4 and base.isalpha():
            bases.add(base)
            if base[-1] == base[-2] and base[-1] not in "aeiou":
                bases.add(base[:-1])  # "stopped" -> stop
    return frozenset(stem(b) for b in bases)


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
    infinitive: bool = False
    """French, spelled as an infinitive: its verb key does not hold after an article."""
    alt: frozenset[str] = frozenset()
    """English: keys of the words the form may come from ("rusted" -> rust), used in texts
    when the vocabulary does not know the form itself."""


# How a spaCy token reads, wherever it stands: its _Tok values with offsets relative to the token.
_Analysis = tuple[_Tok, ...]
_ANALYSIS_CACHE_SIZE = 100_000
_CACHED_VOCABULARIES = 4
"""How many analysed vocabularies the cache folder keeps (the most recently written)."""
_ATTRS = [ORTH, LEMMA, POS, IS_SPACE, IS_PUNCT, IDX]


def _keys(text: str, lemma: str) -> frozenset[str]:
    form = strip_elision(fold(text))
    keys = {stem(form), stem(strip_elision(fold(lemma)))}
    return frozenset(k for k in keys if k)


def _insert(
    children: list[dict[str, int | tuple[int, ...]]],
    ends: list[set[str]],
    toks: list[_Tok],
    concept_id: str,
    made: dict[tuple[int, frozenset[str]], int],
) -> None:
    """Add a label to the flat trie (node 0 is the root).

    A node stands for a sequence of tokens, each read as its set of keys: every key of a token
    leads from the same node to the same child (``made`` remembers the child of a node for a key
    set), so that a label costs one node per token, not one path per choice of key at each token
    (which made over two million nodes with the ESCO skills). A key shared by the key sets of
    several children leads to all of them.
    """
    node = 0
    for tok in toks:
        child = made.get((node, tok.keys))
        if child is None:
            child = made[(node, tok.keys)] = len(children)
            children.append({})
            ends.append(set())
            out = children[node]
            for key in tok.keys:
                have = out.get(key)
                if have is None:
                    out[key] = child
                elif isinstance(have, int):
                    out[key] = (have, child)
                else:
                    out[key] = (*have, child)
        node = child
    ends[node].add(concept_id)


_PIPELINES: dict[str, Language] = {}
_PIPELINES_LOCK = threading.Lock()
_TRIES: dict[str, tuple[list[dict[str, int | tuple[int, ...]]], list[frozenset[str]]]] = {}
"""Label tries linked in this process, by vocabulary key (the last ``MAX_TRIES``)."""
MAX_TRIES = 4


def _pipeline(model: str) -> Language:
    """spaCy's pipeline ``model`` (``en``: a blank English one), loaded once per process:
    about 100 MB and two seconds each time, shared read-only by every extractor (those of
    other vocabularies, those of the commands a process runs one after the other)."""
    with _PIPELINES_LOCK:
        found = _PIPELINES.get(model)
        if found is None:
            if model == "en":
                found = spacy.blank("en")
            else:
                try:
                    found = spacy.load(model, exclude=["parser", "ner"])
                except OSError as e:
                    raise ExtractionError(
                        f"Le modèle spaCy {model} n'est pas installé : lancez `make install`.",
                        f"The spaCy model {model} is not installed: run `make install`.",
                    ) from e
            _PIPELINES[model] = found
        return found


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
        self.nlp_fr: Language = _pipeline(model)
        self.nlp_en: Language = _pipeline("en")
        self._verbs = _FrenchVerbs.of(self.nlp_fr)
        self.cache_dir = cache_dir
        self._link(concepts)

    def with_concepts(self, concepts: Sequence[Concept]) -> SpacyExtractor:
        """An extractor for another vocabulary that shares this one's spaCy pipelines (loaded
        once: about 100 MB and two seconds each time)."""
        other = copy.copy(self)
        other._link(concepts)
        return other

    def _link(self, concepts: Sequence[Concept]) -> None:
        """Take ``concepts`` as the vocabulary: its label trie is read from the cache or built."""
        self._known: frozenset[str] | None = None  # every key of the trie, when first needed
        self._analyses: dict[tuple[int, int, int, int, str, bool], _Analysis] = {}
        self.concepts = {c.id: c for c in concepts}
        # the label trie, flat: node i's children by token key, and the concepts ending there
        # (plain lists and dicts, read back from the cache many times faster than objects)
        self._children: list[dict[str, int | tuple[int, ...]]] = []
        self._ends: list[frozenset[str]] = []
        self.trie_from_cache = False
        """Whether the trie was read from the cache folder."""
        key = self._vocabulary_key(concepts)
        cached = self.cache_dir / f"vocabulary-{key}.pickle" if self.cache_dir else None
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
            built = _TRIES.get(key)
            if built is not None:  # linked already in this process
                self._children, self._ends = built
            else:
                self._build(concepts)
            if cached is not None:
                self._save(cached)
        _TRIES[key] = (self._children, self._ends)
        while len(_TRIES) > MAX_TRIES:
            del _TRIES[next(iter(_TRIES))]

    def _vocabulary_key(self, concepts: Sequence[Concept]) -> str:
        """The digest of a vocabulary, the model and this code: what a label trie depends on."""
        digest = hashlib.sha256()
        for source in (__file__, normalize.__file__, graph_text.__file__):
            digest.update(Path(source).read_bytes())
        digest.update(f"{self.nlp_fr.meta.get('name')}-{self.nlp_fr.meta.get('version')}".encode())
        for c in sorted(concepts, key=lambda c: c.id):
            digest.update(
                json.dumps([c.id, c.source, c.label_fr, c.alt_fr, c.label_en, c.alt_en]).encode()
            )
        return digest.hexdigest()[:20]

    def _save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as f:
                pickle.dump((self._children, self._ends), f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)  # atomic: a reader never sees half a file
            # the vocabularies of earlier versions are of no further use: keep the latest few
            kept = sorted(path.parent.glob("vocabulary-*.pickle"), key=lambda p: p.stat().st_mtime)
            for stale in kept[:-_CACHED_VOCABULARIES]:
                stale.unlink(missing_ok=True)
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
        children: list[dict[str, int | tuple[int, ...]]] = [{}]
        ends: list[set[str]] = [set()]
        made: dict[tuple[int, frozenset[str]], int] = {}
        for lang, items in by_lang.items():
            nlp = self.nlp_fr if lang == "fr" else self.nlp_en
            texts = list(items)
            for text, doc in zip(texts, nlp.pipe(texts, batch_size=512), strict=True):
                toks = self._label_tokens(self._tokens(doc, lang))
                if not toks or any(t.barrier for t in toks):
                    continue
                for cid in items[text]:
                    _insert(children, ends, toks, cid, made)
        none: frozenset[str] = frozenset()
        self._children = children
        self._ends = [frozenset(e) if e else none for e in ends]

    @staticmethod
    def _label_tokens(toks: list[_Tok]) -> list[_Tok]:
        """The tokens a label is matched on.

        Linking words are skipped inside a label but kept at its start, where they belong to
        the word ("by-products", "in-line", « en-cours »): "products" alone is no by-product.
        A French label that is a single verb (« rouiller », « user ») is matched on the verb
        only, that is on its conjugated forms in French texts, never on the spelling.
        """
        start = next((n for n, t in enumerate(toks) if not t.linking), None)
        if start is None:
            return []
        out = toks[:start] + [t for t in toks[start:] if not t.linking]
        if len(out) == 1 and out[0].infinitive and out[0].pos not in ("NOUN", "PROPN"):
            out[0].keys = frozenset(k for k in out[0].keys if k.startswith(_VERB))
        return out

    # -- analysis -------------------------------------------------------------------------------
    def _tokens(self, doc: Doc, lang: str, text: bool = False) -> list[_Tok]:
        """The tokens of a document, each spaCy token analysed once and then read from a cache.

        ``text`` is true for a text to extract from, false for a vocabulary label (see
        _FrenchVerbs.readings); an English form of a text that the vocabulary does not know
        also carries the keys of the words it may come from.
        """
        out: list[_Tok] = []
        cache = self._analyses
        known = self._known_keys() if text and lang == "en" else frozenset()
        after_article = False
        for i, (orth, lemma, pos, space, punct, idx) in enumerate(doc.to_array(_ATTRS).tolist()):
            if space:
                continue
            key = (orth, lemma if lang == "fr" else 0, pos, punct, lang, text)
            analysis = cache.get(key)
            if analysis is None:
                if len(cache) >= _ANALYSIS_CACHE_SIZE:
                    cache.clear()
                analysis = cache[key] = self._analyse(doc[i], lang, self._verbs, not text)
            for a in analysis:
                keys = a.keys
                if a.infinitive and after_article:
                    keys = frozenset(k for k in keys if not k.startswith(_VERB))
                elif a.alt and known and keys.isdisjoint(known):
                    keys = keys | a.alt
                out.append(
                    _Tok(
                        keys,
                        a.start + idx,
                        a.end + idx,
                        a.barrier,
                        a.linking,
                        a.pos,
                        a.lemma_key,
                        a.word,
                        a.form,
                        a.lower,
                        a.infinitive,
                        a.alt,
                    )
                )
            if analysis:
                after_article = lang == "fr" and analysis[-1].form in _ARTICLES
        return out

    def _known_keys(self) -> frozenset[str]:
        """Every key a label is made of."""
        if self._known is None:
            self._known = frozenset(k for node in self._children for k in node)
        return self._known

    @staticmethod
    def _analyse(t: Token, lang: str, verbs: _FrenchVerbs, label: bool) -> _Analysis:
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
            infinitive = False
            alt: frozenset[str] = frozenset()
            if is_acronym(part):
                keys = frozenset({"=" + part})
            else:
                keys = _keys(part, lemma)
                if lang == "fr" and folded.isalpha():
                    lower = strip_elision(part.lower())
                    verbs_of, infinitive = verbs.readings(lower, t.pos_, lemma, label)
                    keys |= {_VERB + v for v in verbs_of}
                elif lang == "en":
                    alt = _en_bases(part.lower()) - keys
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
                    infinitive=infinitive,
                    alt=alt,
                )
            )
            offset = start + len(part)
        return tuple(out)

    def _match(self, toks: list[_Tok]) -> list[tuple[int, int, frozenset[str]]]:
        """Longest, leftmost, non-overlapping matches: (first token, last token, concept ids)."""
        found: list[tuple[int, int, frozenset[str]]] = []
        children, ends = self._children, self._ends
        root = children[0] if children else {}
        i = 0
        while i < len(toks):
            # a linking word starts no match, unless a label starts with it ("by-products")
            if toks[i].barrier or (toks[i].linking and root.keys().isdisjoint(toks[i].keys)):
                i += 1
                continue
            best: tuple[int, frozenset[str]] | None = None
            frontier: list[tuple[int, int]] = [(0, i)]
            while frontier:
                node, j = frontier.pop()
                while node and j < len(toks) and toks[j].linking:
                    j += 1
                if j >= len(toks) or toks[j].barrier:
                    continue
                reached: set[int] = set()
                for key in toks[j].keys:
                    hit = children[node].get(key)
                    if hit is not None:
                        reached.update((hit,) if isinstance(hit, int) else hit)
                for child in reached:
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
        toks = self._tokens(doc, lang, text=True)
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
    def extract(self, text: str, *, language: Literal["fr", "en"] | None = None) -> Extraction:
        """Concepts, keywords and terms of one text, analysed in ``language`` when given (an
        English ERC panel title the detector would call French), else in the language detected.

        Raises
        ------
        ExtractionError
            When the text is empty or blank, or the language is neither ``"fr"`` nor ``"en"``.
        """
        return self.extract_many([text], language=language)[0]

    def extract_many(
        self, texts: Sequence[str], *, language: Literal["fr", "en"] | None = None
    ) -> list[Extraction]:
        """Analyse texts in batches, each in ``language`` when given, else in its own detected
        language."""
        if language is not None and language not in ("fr", "en"):
            raise ExtractionError(
                f"Langue inconnue : {language!r} (fr ou en).",
                f"Unknown language: {language!r} (fr or en).",
            )
        cleaned = [clean_text(t) for t in texts]
        for n, t in enumerate(cleaned):
            if not t.strip():
                raise ExtractionError(
                    f"Texte vide (texte n° {n + 1}) : décrivez le besoin ou la compétence.",
                    f"Empty text (text #{n + 1}): describe the need or the capability.",
                )
        langs = [language or detect_language(t) for t in cleaned]
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
