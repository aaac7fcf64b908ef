"""``python -m api.cli``: the ``passerelle`` command."""

from api.cli import app

app()
