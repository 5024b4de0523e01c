"""The support backend, a folder per domain and one way down: route -> domain service -> storage -> response.

- ``accounts/``, ``kb/``, ``tickets/``, ``assessments/``: the domains, each with ``service`` (what the rest
  calls), its storage modules, ``schemas``, ``migrations`` and ``routes``;
- ``web/``: what every route shares (dependencies, pages, security headers, access log); ``db/``: the SQLite file;
- the shared kernel: ``settings``, ``errors``, ``clock``, ``schemas`` (bases and bounded ids), ``tables``, ``ratelimit``,
  ``commandline``;
- the composition roots: ``app`` (the FastAPI app), ``server`` (uvicorn), ``cli`` (the ``portal`` commands),
  ``migrations`` (every domain's tables), ``context``.

``tests/unit/test_layout.py`` checks these rules on the imports.
"""
