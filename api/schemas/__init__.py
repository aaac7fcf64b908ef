"""Bodies of the HTTP API, kept apart from the domain model: what clients send (``requests``)
and what the API answers (``views``: labs, concepts, needs, pairings; ``desk``: accounts,
introductions, the queue). The sentences of explanations are ``api.explain``'s."""
