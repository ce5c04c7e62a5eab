"""One run's conversation with Spotify or a clone of it: tokens, routes and the dialect.

What belongs here: the client-credentials token (:class:`SpotifyToken`), the per-run state
(:class:`SpotifySession`) and its :meth:`~SpotifySession.send`, which every Spotify lookup goes
through; plus :func:`read_json`, which turns a Spotify answer into JSON or the matching error.
What doesn't: which endpoint means what and turning bodies into records (``spotify_lookup.py``,
``spotify_search.py``), and any I/O, clock or environment read: the clock and the settings
are handed in.

Service facts this module relies on:

* Token: ``POST {token_url}`` with ``grant_type=client_credentials`` and HTTP Basic auth answers
  ``{"access_token", "token_type": "Bearer", "expires_in": 3600}``; bad credentials answer 400
  ``{"error": "invalid_client"}``. An expired token answers 401 ``{"error": {"status": 401,
  "message": "The access token expired"}}``: fetch a new one once and retry.
  https://developer.spotify.com/documentation/web-api/tutorials/client-credentials-flow
* The client secret travels only in the Basic header of the token request. It is never put in a
  URL, a message or a repr; the drivers never log headers.
* A clone at a base URL without ``/v1`` may serve Spotify's routes under ``/v1`` (a spec-following
  clone) or at the root (the seed clone, moddroid94/local-green-api). We ask ``/v1`` first and
  fall back to the root on a 404 whose body is not Spotify's error envelope (FastAPI's
  ``{"detail": "Not Found"}`` or an HTML page), then remember what worked.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from tagbridge.core.config import SPOTIFY_BACKENDS, SPOTIFY_DIALECTS, Settings
from tagbridge.core.errors import BadResponse, ConfigError, ResponseError, SourceError
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, check_status, host_of, parse_json
from tagbridge.sources.spotify_types import is_error_envelope, read_error, read_token, read_token_error

__all__ = [
    "SOURCE",
    "SEARCH_LIMIT",
    "Dialect",
    "Params",
    "Shape",
    "SpotifyToken",
    "SpotifySession",
    "SpotifyLearned",
    "build_token_request",
    "parse_token",
    "read_json",
]

_log = logging.getLogger(__name__)

SOURCE: Final = "spotify"
#: Development Mode (February 2026) answers 400 "Invalid limit" to a search limit above this.
SEARCH_LIMIT: Final = 10

#: "spec": Spotify's own shapes and routes. "seed": the seed clone's quirks (DESIGN.md).
Dialect = Literal["spec", "seed"]
Params = tuple[tuple[str, str], ...]
#: A wire-shape reader from ``spotify_types``: the typed value, or None when the JSON is not one.
Shape = Callable[[object], object]

#: A token this close to its expiry is replaced before use, so it cannot expire in flight.
_EXPIRY_MARGIN = 60.0
_ERROR_CODE = re.compile(r"^[a-z_]{1,40}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SpotifyToken:
    """A client-credentials access token and when it expires (epoch seconds)."""

    access_token: str = field(repr=False)
    expires_at: float
    token_type: str = "Bearer"

    def usable(self, now: float, *, margin: float = _EXPIRY_MARGIN) -> bool:
        """True while the token has more than ``margin`` seconds left at ``now``."""
        return now < self.expires_at - margin

    def to_json(self) -> dict[str, object]:
        """The token as a JSON object, for an on-disk cache (the secret is not part of it)."""
        return {"access_token": self.access_token, "token_type": self.token_type, "expires_at": self.expires_at}

    @classmethod
    def from_json(cls, data: object) -> SpotifyToken | None:
        """A token from :meth:`to_json`'s shape; None when ``data`` is not one."""
        if not isinstance(data, dict):
            return None
        token, kind, expires = data.get("access_token"), data.get("token_type", "Bearer"), data.get("expires_at")
        if not isinstance(token, str) or not token or not isinstance(kind, str):
            return None
        if isinstance(expires, bool) or not isinstance(expires, (int, float)):
            return None
        return cls(access_token=token, expires_at=float(expires), token_type=kind)


def build_token_request(token_url: str, client_id: str, client_secret: str) -> HttpRequest:
    """``POST {token_url}`` for a client-credentials token; never cached."""
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
    return HttpRequest(
        url=token_url,
        source=SOURCE,
        method="POST",
        headers=(("Authorization", f"Basic {basic}"), ("Content-Type", "application/x-www-form-urlencoded")),
        body=b"grant_type=client_credentials",
        cacheable=False,
    )


def parse_token(request: HttpRequest, response: HttpResponse, *, now: float) -> SpotifyToken:
    """The token in a token-endpoint answer received at ``now``.

    Raises:
        SourceError: the credentials were refused (400/401), naming the service's error code only.
        RateLimited, Unavailable: 429, 5xx.
        BadResponse: the answer is not a token.
    """
    if response.status in (400, 401):
        code = read_token_error(_loads(response.body))
        # The code comes from the server; only a plain error code is repeated in the message.
        code = code if code and _ERROR_CODE.match(code) else f"HTTP {response.status}"
        if code == "invalid_client" or response.status == 401:
            raise SourceError(SOURCE, f"Spotify rejected the client credentials ({code})")
        raise SourceError(SOURCE, f"Spotify's token endpoint refused the request ({code})")
    check_status(request, response)
    token = read_token(parse_json(request, response))
    if token is None:
        raise BadResponse(SOURCE, request.url, "token answer lacks access_token or expires_in")
    return SpotifyToken(access_token=token["access_token"], expires_at=now + token["expires_in"],
                        token_type=token["token_type"])


def _loads(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def read_json(response: HttpResponse, *, ok: tuple[int, ...] = (200,)) -> object:
    """The decoded body of a Spotify answer, or the error its status means.

    Raises:
        RateLimited: 429 (the driver has already waited out what it could).
        Unavailable: 5xx.
        ResponseError: other statuses outside ``ok``, with Spotify's error message when it sent one.
        BadResponse: HTML, truncated or otherwise undecodable JSON.
    """
    request = HttpRequest(url=response.url, source=SOURCE)
    if response.status not in ok:
        if response.status == 429 or response.status >= 500:
            check_status(request, response, ok=ok)
        error = read_error(_loads(response.body))
        detail = f"HTTP {response.status}: {error['message']}" if error else ""
        raise ResponseError(SOURCE, response.url, response.status, detail)
    return parse_json(request, response)


def _shape_validator(shape: Shape) -> Callable[[HttpRequest, HttpResponse], None]:
    def validate(request: HttpRequest, response: HttpResponse) -> None:
        if shape(parse_json(request, response)) is None:
            raise BadResponse(SOURCE, request.url, "the answer does not have the expected shape")
    return validate


def _not_a_route(response: HttpResponse) -> bool:
    """A 404 from the web framework (no such route), not Spotify's "no such item"."""
    return response.status == 404 and not is_error_envelope(_loads(response.body))


@dataclass(frozen=True, slots=True, kw_only=True)
class SpotifyLearned:
    """What one session learned about the service, for the next session to start from."""

    dialect: Dialect | None = None
    prefix: str | None = None
    batch_ok: bool | None = None
    isrcs_hidden: bool | None = None

    def to_json(self) -> dict[str, object]:
        """What is worth keeping between runs of one app against one service: batch and ISRC verdicts."""
        return {"batch_ok": self.batch_ok, "isrcs_hidden": self.isrcs_hidden}

    @classmethod
    def from_json(cls, data: object) -> SpotifyLearned | None:
        """The verdicts :meth:`to_json` wrote; None for anything else."""
        if not isinstance(data, dict):
            return None
        batch, hidden = data.get("batch_ok"), data.get("isrcs_hidden")
        if not all(v is None or isinstance(v, bool) for v in (batch, hidden)):
            return None
        return cls(batch_ok=batch, isrcs_hidden=hidden)


class SpotifySession:
    """Per-run state: the token, the clone's routes and dialect, and whether batch lookups work.

    Not thread-safe: give each concurrent lookup its own session; sessions share a token and
    what they learned through ``token=`` and ``learned=``.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float], token: SpotifyToken | None = None,
                 learned: SpotifyLearned | None = None) -> None:
        """Start a run; ``clock`` gives epoch seconds, ``token`` a cached token to try first, ``learned``
        what an earlier session found out about routes, dialect and batch lookups.

        Raises:
            ConfigError: for an unknown backend or dialect.
        """
        if settings.spotify_backend not in SPOTIFY_BACKENDS:
            raise ConfigError(f"unknown Spotify backend {settings.spotify_backend!r}; choose {', '.join(SPOTIFY_BACKENDS)}")
        if settings.spotify_dialect not in SPOTIFY_DIALECTS:
            raise ConfigError(f"unknown Spotify dialect {settings.spotify_dialect!r}; choose "
                              f"{', '.join(SPOTIFY_DIALECTS)}")
        self.settings = settings
        self.token = token
        #: True once a new token was fetched, so the caller knows to store it.
        self.token_changed = False
        #: Whether batch ``/albums?ids=`` works here: None until tried.
        self.batch_ok: bool | None = None
        #: True once a track came back without its ISRC: the service withholds external_ids.
        self.isrcs_hidden: bool | None = None
        self._clock = clock
        self._base = settings.spotify_api_url.rstrip("/")
        self._dialect: Dialect | None
        self._prefix: str | None
        stated = settings.spotify_dialect
        if settings.spotify_backend in ("api", "catalog"):
            self._dialect, self._prefix = "spec", ""
        elif stated == "seed":
            self._dialect, self._prefix = "seed", ""
        elif self._base.endswith("/v1"):
            self._dialect, self._prefix = "spec", ""
        else:
            self._dialect, self._prefix = ("spec" if stated == "spec" else None), None
        if learned is not None:
            self.batch_ok = learned.batch_ok
            self.isrcs_hidden = learned.isrcs_hidden
            if self._prefix is None and learned.prefix is not None:
                self._prefix = learned.prefix
                self._dialect = self._dialect or learned.dialect
            elif stated == "auto" and learned.dialect == "seed" and settings.spotify_backend == "clone":
                self._dialect = "seed"

    def learned(self) -> SpotifyLearned:
        """What this session found out, for the next session to start from."""
        return SpotifyLearned(dialect=self._dialect, prefix=self._prefix, batch_ok=self.batch_ok,
                              isrcs_hidden=self.isrcs_hidden)

    def __repr__(self) -> str:
        token = "none" if self.token is None else f"expires at {self.token.expires_at:.0f}"
        return (f"SpotifySession(backend={self.settings.spotify_backend!r}, base={self._base!r}, "
                f"dialect={self._dialect!r}, prefix={self._prefix!r}, batch_ok={self.batch_ok!r}, token={token})")

    @property
    def dialect(self) -> Dialect | None:
        """The dialect in use, or None while a clone's answers have not told yet."""
        return self._dialect

    @property
    def prefix(self) -> str | None:
        """The route prefix added to the base URL ("" or "/v1"), or None while unknown."""
        return self._prefix

    @property
    def uses_token(self) -> bool:
        """True when requests carry a bearer token: always for the API, for a clone only with a token URL."""
        return self.settings.spotify_backend == "api" or self.settings.spotify_token_url is not None

    def mark_seed(self, why: str) -> None:
        """Switch to the seed dialect because an answer showed its quirks (when the dialect is ``auto``)."""
        if self._dialect != "seed" and self.settings.spotify_dialect == "auto" and self.settings.spotify_backend == "clone":
            _log.info("spotify: %s answers like the seed clone (%s); using its dialect", self._base, why)
            self._dialect = "seed"

    def send(
        self, path_or_url: str, params: Params = (), *, seed: tuple[str, Params] | None = None,
        seed_5xx_is_answer: bool = False, shape: Shape | None = None,
    ) -> Lookup[HttpResponse]:
        """Make one request (fetching a token first when needed) and return the answer, whatever its status.

        Args:
            path_or_url: a path under the API base ("/albums/ID"), or an absolute URL from a
                paging object's ``next``, requested as it is.
            params: query parameters.
            seed: the seed clone's form of the same request, used when that dialect is in play.
            seed_5xx_is_answer: on the seed clone a 5xx here is its answer (an unknown id, its
                broken ``isrc:`` filter), not an outage: the driver must not retry it.
            shape: the reader the caller will apply to the JSON body; an answer it rejects is
                never cached (see ``core.http.usable_answer``).

        Raises:
            ConfigError: the API backend is used without client credentials.
            SourceError: the token endpoint refused the credentials, or a fresh token was refused.
        """
        if path_or_url.startswith(("http://", "https://")):
            return (yield from self._authorized(path_or_url, params, seed_5xx_is_answer, shape))
        if self._prefix is not None:
            path, query = self._form(path_or_url, params, seed)
            return (yield from self._authorized(self._base + self._prefix + path, query, seed_5xx_is_answer, shape))
        response = yield from self._authorized(self._base + "/v1" + path_or_url, params, seed_5xx_is_answer, shape)
        if not _not_a_route(response):
            if response.status < 500 and response.status != 429:
                self._prefix = "/v1"
                self._dialect = self._dialect or "spec"
            return response
        stated = self._dialect
        self._dialect = stated or "seed"  # tentatively, so the root request takes the seed's form
        path, query = self._form(path_or_url, params, seed)
        root = yield from self._authorized(self._base + path, query, seed_5xx_is_answer, shape)
        if _not_a_route(root):
            self._dialect = stated  # neither place knows the route: decide on a later request
            return root
        self._prefix = ""
        _log.info("spotify: the clone at %s serves its routes without /v1 (%s dialect)", self._base, self._dialect)
        return root

    def _form(self, path: str, params: Params, seed: tuple[str, Params] | None) -> tuple[str, Params]:
        return seed if seed is not None and self._dialect == "seed" else (path, params)

    def _authorized(self, url: str, params: Params, seed_5xx_is_answer: bool,
                    shape: Shape | None) -> Lookup[HttpResponse]:
        # The bearer token goes only to the API's own host, never to a URL some answer pointed at.
        attach = self.uses_token and host_of(url) == host_of(self._base)
        if attach:
            yield from self._ensure_token()
        response = yield self._request(url, params, seed_5xx_is_answer, attach, shape)
        if response.status == 401 and attach:
            _log.debug("spotify: the access token was refused (HTTP 401); fetching a new one")
            self.token = None
            yield from self._ensure_token()
            response = yield self._request(url, params, seed_5xx_is_answer, attach, shape)
            if response.status == 401:
                raise ResponseError(SOURCE, url, 401, "Spotify refused a freshly issued access token (HTTP 401)")
        return response

    def _request(self, url: str, params: Params, seed_5xx_is_answer: bool, attach: bool,
                 shape: Shape | None) -> HttpRequest:
        headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),)
        if attach and self.token is not None:
            headers += (("Authorization", f"{self.token.token_type} {self.token.access_token}"),)
        return HttpRequest(url=url, source=SOURCE, params=params, headers=headers,
                           retry_5xx=not (seed_5xx_is_answer and self._dialect == "seed"),
                           rate_limited=self.settings.spotify_backend == "api",
                           validate=None if shape is None else _shape_validator(shape))

    def ensure_token(self) -> Lookup[None]:
        """Fetch a token unless the session holds a usable one (a lookup of its own, for sharing one)."""
        return self._ensure_token()

    def _ensure_token(self) -> Lookup[None]:
        if self.token is not None and self.token.usable(self._clock()):
            return
        credentials = self.settings.spotify_credentials
        if credentials is None:
            raise ConfigError(
                "Spotify's api backend needs a client id and secret (a client-credentials app from "
                "developer.spotify.com): TAGBRIDGE_SPOTIFY_CLIENT_ID/_SECRET, or spotify.client_id/client_secret "
                "in beets; a local clone needs neither"
            )
        token_url = self.settings.spotify_token_url
        if token_url is None:
            raise ConfigError("Spotify's api backend needs a token endpoint: set TAGBRIDGE_SPOTIFY_TOKEN_URL")
        request = build_token_request(token_url, *credentials)
        response = yield request
        self.token = parse_token(request, response, now=self._clock())
        self.token_changed = True
        _log.debug("spotify: got an access token valid until %.0f", self.token.expires_at)
