"""Text normalisation shared by the vocabulary and the extractor: accents, case, light stemming."""

from __future__ import annotations

import re

STOPWORDS_FR = frozenset(
    """a à au aux avec ce ces cet cette de des du elle en et il ils je l la le les leur leurs
    ma mais me mes mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te
    tes ton un une vos votre vous y est sont être avons avez ont été dans plus très tout tous
    toute toutes afin car donc comme sans chez entre aussi cela ça nous-mêmes lors ainsi""".split()
)
STOPWORDS_EN = frozenset(
    """a an and are as at be been but by for from has have in into is it its of on or our that
    the their them they this to was we were which while will with within without your you i my
    us not no can could should would may might also so than then there these those very""".split()
)
# Joined by the matcher (skipped inside a concept label): articles and prepositions.
LINKING_WORDS = frozenset(
    "a à au aux d de des du en l la le les un une the of a an for in on to by et and ou or".split()
)
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)'", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def clean_text(text: str) -> str:
    """Unify apostrophes, ligatures and spaces, without changing offsets' meaning much."""
    return text.translate(_APOSTROPHES).replace("\u00a0", " ").replace("\u202f", " ")


def stem(word: str) -> str:
    """A light stem on a folded word: drops a final plural mark, then a final mute ``e``.

    Applied the same way to the vocabulary and to texts, so that variants the lemmatiser
    misses (feminine adjectives, rare plurals) still meet.

    Examples
    --------
    >>> [stem(w) for w in ["soudees", "soude", "pieces", "piece", "metaux", "laser"]]
    ['soude', 'soud', 'piec', 'piec', 'metau', 'laser']
    """
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def strip_elision(word: str) -> str:
    """``l'usure`` -> ``usure``; other words unchanged."""
    return _ELISION.sub("", word)


def en_lemma(word: str) -> str:
    """A rule-based English lemma for nouns (plural endings), on a lower-case word.

    Examples
    --------
    >>> [en_lemma(w) for w in ["alloys", "batteries", "processes", "glass", "analysis"]]
    ['alloy', 'battery', 'process', 'glass', 'analysis']
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def is_acronym(token_text: str) -> bool:
    """True for a short all-capitals token such as ``CND``, ``MIG`` or ``IA``."""
    letters = [c for c in token_text if c.isalpha()]
    return 2 <= len(token_text) <= 4 and bool(letters) and all(c.isupper() for c in letters)


def detect_language(text: str) -> str:
    """``"fr"`` or ``"en"``, from function words and accents; French when unsure.

    Examples
    --------
    >>> detect_language("Nous cherchons un laboratoire pour la corrosion de nos pièces.")
    'fr'
    >>> detect_language("We need help with the corrosion of our welded parts.")
    'en'
    """
    words = re.findall(r"[a-zà-ÿœ']+", text.lower())
    fr = sum(1 for w in words if w in STOPWORDS_FR or _ELISION.match(w))
    fr += sum(1 for c in text if c in "éèêàùçôîâœ")
    en = sum(1.0 for w in words if w in STOPWORDS_EN and w not in STOPWORDS_FR)
    en += sum(0.5 for w in words if len(w) > 5 and w.endswith("ing"))
    return "en" if en > fr else "fr"
