"""The API's one error format, its handlers and the middleware that keeps the contract.

Every answer that is not 2xx has the body :class:`ErrorBody`::

    {"error": "not_found", "message": "…", "message_en": "…", "where": "lab_id",
     "request_id": "3f2c…"}

and every answer, errors or not, carries the request id in the ``X-Request-ID`` header (the
client's own when it sends a short one). Statuses: 400 malformed body (not JSON, not UTF-8),
404 unknown route or id, 405 wrong method (with ``Allow``), 413 body over ``MAX_BODY_BYTES``
(refused on its ``Content-Length`` before it is read, or as soon as a chunked body goes over),
415 a body that is not ``application/json`` on a JSON route, 422 invalid fields, 503 store
unavailable, 500 our own bugs only (logged with the request id, no stack trace answered).
Input echoed in messages is clipped to ``MAX_ECHO_CHARS`` characters, control characters and
lone surrogates replaced.

Modules: ``body`` (the format, statuses, the request id), ``handlers`` (errors to answers),
``validation`` (pydantic's errors in words), ``middleware`` (the contract before a route runs).
"""
