"""The web pages: server-rendered (Jinja2) over the same use cases and policies as the API."""
