"""Passerelle domain core: model, matching and store interface (no database, web or NLP imports)."""
