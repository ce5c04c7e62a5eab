"""The replay driver: answers requests from canned bodies in memory, with no sockets.

A real driver in every other respect (it runs lookups through the same loop as the sync
driver), for fast tests of sources and the resolver. Tests of the network path use the sync
driver against a local HTTP server instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

from tagbridge.core.errors import SourceError, Unavailable
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, run_lookup

__all__ = ["Canned", "ReplayDriver", "UnmatchedRequest"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Canned:
    """One canned answer; ``body`` may be bytes or a file path to read. ``status=0`` means timeout.

    ``fails`` makes the driver raise that transport failure instead of answering, as the sync
    driver does for a redirect loop or a body over its cap.
    """

    body: bytes | Path = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    fails: SourceError | None = None

    def response(self, url: str) -> HttpResponse:
        """The canned answer as a response to ``url``; a timeout raises Unavailable."""
        body = self.body.read_bytes() if isinstance(self.body, Path) else self.body
        return HttpResponse(status=self.status, url=url, body=body,
                            headers={k.lower(): v for k, v in self.headers.items()})


Matcher = Callable[[HttpRequest], bool]


class UnmatchedRequest(AssertionError):
    """A request no rule answers: a mistyped route in a test, never to be read as "no result".

    Not a :class:`~tagbridge.core.errors.SourceError`, so no lookup or resolver can swallow it.
    """


class ReplayDriver:
    """Answers each request with the first rule that matches it; an unmatched request raises :class:`UnmatchedRequest`.

    A rule's key is either a callable ``(HttpRequest) -> bool`` or a string: a path (with the
    host ignored) optionally followed by ``?k=v&...`` pairs that must all be present.
    """

    def __init__(self, rules: list[tuple[str | Matcher, Canned | list[Canned]]]) -> None:
        self._rules = [(k, list(v) if isinstance(v, list) else [v]) for k, v in rules]
        self.requests: list[HttpRequest] = []

    def fetch(self, request: HttpRequest) -> HttpResponse:
        """Answer one request; a rule with several answers gives them in turn, repeating the last."""
        self.requests.append(request)
        for key, answers in self._rules:
            if _matches(key, request):
                canned = answers.pop(0) if len(answers) > 1 else answers[0]
                if canned.fails is not None:
                    raise canned.fails
                if canned.status == 0:
                    raise Unavailable(request.source, f"timed out talking to {request.host}")
                return canned.response(request.full_url)
        known = ", ".join(k if isinstance(k, str) else getattr(k, "__name__", "<matcher>") for k, _ in self._rules)
        raise UnmatchedRequest(f"no canned answer for {request.method} {request.full_url} (rules: {known or 'none'})")

    def run(self, lookup: Lookup[T]) -> T:
        """Run a lookup to completion against the canned answers."""
        return run_lookup(lookup, self.fetch)


def _matches(key: str | Matcher, request: HttpRequest) -> bool:
    if callable(key):
        return key(request)
    path, _, query = key.partition("?")
    if urlsplit(request.url).path.rstrip("/") != path.rstrip("/"):
        return False
    want = parse_qsl(query)
    have = set((k, v) for k, v in request.params) | set(parse_qsl(urlsplit(request.url).query))
    return all((k, v) in have for k, v in want)
