"""The local Spotify catalog: the Anna's Archive dump in SQLite, answering the Spotify Web API in-process.

``sql.py`` holds every statement; ``store.py`` opens a catalog; ``build.py`` creates tables and
indexes; ``importer.py`` and ``synth.py`` fill them; ``api.py`` answers Web API requests as
plain functions, ``handle(HttpRequest) -> HttpResponse``, for the in-process driver and the
clone server alike. sqlite3 is used here and nowhere in ``core/`` or ``sources/``.
"""
