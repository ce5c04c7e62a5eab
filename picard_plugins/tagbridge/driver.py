"""The Picard driver: steps a tagbridge lookup through Picard's own web service, never blocking.

A lookup is a generator that yields :class:`HttpRequest` values and is sent
:class:`HttpResponse` values (``_tagbridge/core/http.py``). Here each yielded request becomes one
``web_service.get_url`` / ``post_url``, so Picard's proxy settings, rate control, cache and
cancellation apply; the reply handler sends the response back in and takes the next request.
Nothing waits: every step runs in a Qt callback on Picard's main thread.

What belongs here: turning requests and replies into each other, and finishing every lookup
exactly once (with its result or its error). What doesn't: deciding anything about albums or art.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ._host import call_later
from ._tagbridge.core.errors import BadResponse, SourceError, TagbridgeError, Unavailable
from ._tagbridge.core.http import HttpRequest, HttpResponse, Lookup

__all__ = ["PicardDriver", "MAX_BODY_BYTES"]

#: The largest answer a lookup reads (the sync driver's cap: a runaway body never fills memory).
MAX_BODY_BYTES = 64 * 1024 * 1024

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


def _headers(reply: Any) -> dict[str, str]:
    try:
        pairs = reply.rawHeaderPairs()
    except AttributeError:  # Picard's stand-in reply for an authorization failure has no headers
        return {}
    return {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in pairs}


class _Run:
    """One lookup in flight: its callbacks and its per-request time limit."""

    def __init__(self, ws: Any, lookup: Lookup[Any], done: Done, failed: Failed, timeout: float,
                 patience: float) -> None:
        self.ws = ws
        self.patience = patience
        self.lookup = lookup
        self._done = done
        self._failed = failed
        self.timeout = timeout
        self.finished = False

    def done(self, result: Any) -> None:
        if not self.finished:
            self.finished = True
            self._done(result)

    def failed(self, exc: Exception) -> None:
        if not self.finished:
            self.finished = True
            self._failed(exc)

    def advance(self, step: Callable[[], HttpRequest]) -> None:
        if self.finished:
            return
        try:
            request = step()
        except StopIteration as stop:
            self.done(stop.value)
            return
        except TagbridgeError as exc:
            self.failed(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a bug must still finish the task, and is reported
            self.failed(exc)
            return
        try:
            self.send(request)
        except Exception as exc:  # noqa: BLE001 - Picard refused the request (a URL Qt cannot read)
            self.lookup.close()
            self.failed(Unavailable(request.source, f"Picard could not send the request: {exc}"))

    def send(self, request: HttpRequest) -> None:
        headers = dict(request.headers)
        if request.max_bytes:
            headers["Range"] = f"bytes=0-{request.max_bytes - 1}"
        answered = False
        pending: list[Any] = []
        queued_at = time.monotonic()

        def give_up() -> None:
            nonlocal answered
            if answered:
                return
            waited = time.monotonic() - queued_at
            # Picard's queue spaces requests to one host (1 s by default, 3 s for iTunes), and
            # its own downloads go first: while it has other requests in hand this one may not
            # have started yet, so it gets more time, up to the lookup's patience.
            if getattr(self.ws, "num_pending_web_requests", 0) > 1 and waited + self.timeout <= self.patience:
                call_later(self.timeout, give_up)
                return
            answered = True
            for task in pending:
                try:
                    self.ws.abort_task(task)
                except (RuntimeError, ValueError, AttributeError):
                    pass
            late = Unavailable(request.source, f"timed out after {waited:.0f} s talking to {request.host}")
            self.advance(lambda: self.lookup.throw(late))

        def handler(document: Any, reply: Any, error: Any) -> None:
            nonlocal answered
            if answered:
                return  # already given up on
            answered = True
            self.advance(lambda: self.reply(request, document, reply))

        common: dict[str, Any] = {"url": request.full_url, "handler": handler, "parse_response_type": None,
                                  "headers": headers or None}
        if request.method == "POST":
            content_type = headers.pop("Content-Type", None) or "application/x-www-form-urlencoded"
            task = self.ws.post_url(data=(request.body or b"").decode("utf-8"), request_mimetype=content_type,
                                    **common)
        else:
            task = self.ws.get_url(**common)
        pending.append(task)
        call_later(self.timeout, give_up)

    def reply(self, request: HttpRequest, document: Any, reply: Any) -> HttpRequest:
        """Send the reply into the lookup (or throw what went wrong); returns the lookup's next request."""
        status = self.ws.http_response_code(reply) or None
        body = bytes(document or b"")
        if status is None:  # no HTTP answer at all: refused, unknown host, TLS
            text = reply.errorString() if hasattr(reply, "errorString") else "no answer"
            exc: SourceError = Unavailable(request.source, f"no answer from {request.host}: {text}")
            return self.lookup.throw(exc)
        if len(body) > MAX_BODY_BYTES and not request.max_bytes:
            return self.lookup.throw(BadResponse(request.source, request.url, f"body over {MAX_BODY_BYTES} bytes"))
        if request.max_bytes:
            body = body[: request.max_bytes]
        response = HttpResponse(status=status, url=request.url, body=body, headers=_headers(reply))
        return self.lookup.send(response)


class PicardDriver:
    """Runs lookups over ``web_service`` (Picard's ``api.web_service``), one request at a time each.

    Each request has a wall-clock limit of ``timeout`` seconds (the settings' ``timeout``): when
    no reply came by then and Picard has nothing else in hand, the request is abandoned and the
    lookup told it timed out. While Picard's queue is busy (other albums, its own downloads, rate
    control), the request may still be waiting its turn, so the limit is extended, up to
    ``patience`` seconds in all. A lookup makes a bounded number of requests, so every lookup ends.
    """

    def __init__(self, web_service: Any) -> None:
        self._ws = web_service

    def run(self, lookup: Lookup[Any], done: Done, failed: Failed, *, timeout: float = 30.0,
            patience: float = 120.0) -> None:
        """Start ``lookup``; later, exactly one of ``done(result)`` or ``failed(error)`` is called.

        ``failed`` receives a :class:`TagbridgeError` the lookup let through, or any other
        exception (a bug) — never raised into Picard's event loop, so no album task is left
        hanging. Without a request to make, the callback comes before ``run`` returns.

        Args:
            timeout: the most one request may take, in seconds, when Picard has nothing else to do.
            patience: the most one request may wait and take while Picard's queue is busy.
        """
        run = _Run(self._ws, lookup, done, failed, timeout, max(timeout, patience))
        run.advance(lambda: next(lookup))
