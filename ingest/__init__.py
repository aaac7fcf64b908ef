"""Passerelle ingestion: vocabulary, text analysis with spaCy, corpus loading."""
