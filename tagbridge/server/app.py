"""The HTTP wrapper around the catalog's Web API functions: a Starlette app served by uvicorn.

Nothing here answers a request itself: every request becomes an :class:`HttpRequest` and goes
to :func:`tagbridge.catalog.api.handle`, the function the in-process ``catalog`` backend calls
too. One code path, two ways in. Paging ``next`` links point back at this server, because the
request's own URL (scheme, host and port as the client used them) is handed on.

Each worker process opens the catalog read-only once; the handler runs on the event loop (an
indexed SQLite read takes well under a millisecond, less than handing it to a thread would).
"""

from __future__ import annotations

import logging
import os
from typing import Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tagbridge.catalog.api import handle
from tagbridge.catalog.store import Catalog
from tagbridge.core.http import HttpRequest

__all__ = ["create_app", "app_from_env", "DB_ENV"]

#: How ``tagbridge serve`` tells each uvicorn worker which catalog to open.
DB_ENV: Final = "TAGBRIDGE_SERVE_DB"

_log = logging.getLogger("tagbridge.server")
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_UNAVAILABLE = b'{"error": {"status": 503, "message": "The catalog could not answer this request"}}'


def create_app(catalog: Catalog) -> Starlette:
    """The app serving ``catalog``: the Spotify Web API under ``/v1`` and a token endpoint at ``/api/token``."""

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        url = str(request.url.replace(query=""))
        query = tuple(request.query_params.multi_items())
        call = HttpRequest(url=url, source="spotify", method=request.method, params=query,
                           headers=tuple(request.headers.items()), body=body or None)
        try:
            answer = handle(call, catalog)
        except Exception:  # noqa: BLE001 - the HTTP boundary: a client gets Spotify's error shape, never a 500
            _log.exception("the catalog failed on %s %s", request.method, request.url.path)
            return Response(_UNAVAILABLE, status_code=503, media_type="application/json")
        return Response(answer.body, status_code=answer.status, headers=dict(answer.headers))

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])
    app.state.catalog = catalog
    return app


def app_from_env() -> Starlette:
    """The app for the catalog named in ``TAGBRIDGE_SERVE_DB`` (how uvicorn's workers are started)."""
    return create_app(Catalog(os.environ[DB_ENV]))
