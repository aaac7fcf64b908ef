"""Passerelle HTTP API (FastAPI) and command line."""
