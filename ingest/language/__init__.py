"""Language analysis: the curated vocabulary, text normalisation, and the spaCy extractor that
links French and English text to the vocabulary's concepts."""
