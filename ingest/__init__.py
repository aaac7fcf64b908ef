"""Passerelle ingestion: the registers loaded into a store (registers), language analysis with
spaCy (language), and how good the rankings are (evaluation)."""
