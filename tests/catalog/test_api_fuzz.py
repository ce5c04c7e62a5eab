"""Hypothesis fuzzing of the catalog's Web API: any ``q``, id, ``limit`` or ``offset`` answers 200, 400 or 404 with JSON.

Never a 500, never an exception, and every non-200 answer has Spotify's error shape. The
queries mix arbitrary text with the pieces most likely to break a query parser or an FTS5
expression: filters, both quote styles, FTS5 operators and syntax characters, SQL, and
combining marks.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from api_support import OUTRUN, Client, catalog  # noqa: F401 - fixtures
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagbridge.catalog.store import Catalog

_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIECES = st.sampled_from([
    "album:", "artist:", "track:", "year:", "isrc:", "upc:", "genre:", "tag:new", '"', "'", "*", "^", "+", "-",
    ":", "(", ")", "{", "}", "NEAR(", "AND", "OR", "NOT", "NEAR/2", "'; DROP TABLE albums; --", "%", "_", "\\",
    "\x00", "\u0301", "\u200f", "\ufeff", "🎵", "2013", "2010-2015", "00602537292066", "FRS711200290",
    "kavinsky", "OutRun", "Nightcall", "new order", "Angèle", " ", "  ", "\n", "\t",
])
_QUERY = st.one_of(st.text(max_size=60), st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join))
_TYPES = st.lists(st.sampled_from(["album", "track", "artist", "playlist", "show", "bogus", ""]), min_size=0,
                  max_size=4).map(",".join)
_NUMBER = st.one_of(st.integers(-5, 2000).map(str), st.text(max_size=6), st.just(""))


def _check(answer: Any, allowed: tuple[int, ...]) -> dict[str, Any]:
    assert answer.status in allowed, f"got {answer.status}: {answer.body}"
    assert answer.content_type == "application/json; charset=utf-8"
    body: dict[str, Any] = answer.body
    if answer.status != 200:
        assert set(body) == {"error"} and body["error"]["status"] == answer.status
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


@_FUZZ
@given(q=_QUERY, types=_TYPES, limit=_NUMBER, offset=_NUMBER)
def test_any_search_answers_200_or_400(catalog: Catalog, q: str, types: str, limit: str, offset: str) -> None:
    client = Client(catalog)
    body = _check(client.get("/v1/search", {"q": q, "type": types, "limit": limit, "offset": offset}), (200, 400))
    for page in body.values() if "error" not in body else ():
        assert page["total"] >= len(page["items"]) and page["offset"] == int(offset or 0)


@_FUZZ
@given(q=_QUERY)
def test_any_query_in_the_url_answers_like_in_params(catalog: Catalog, q: str) -> None:
    client = Client(catalog)
    beside = client.get("/v1/search", {"q": q, "type": "album,track"})
    in_url = client.get("/v1/search?" + urlencode({"q": q, "type": "album,track"}))
    _check(beside, (200, 400))
    assert (in_url.status, in_url.body) == (beside.status, beside.body)


@_FUZZ
@given(item_id=st.one_of(st.text(max_size=30), st.text(alphabet="0123456789abcXYZ_-=", min_size=20, max_size=24)),
       route=st.sampled_from(["albums/{}", "albums/{}/tracks", "tracks/{}", "artists/{}", "artists/{}/albums",
                              "albums?ids={}", "tracks?ids={}", "artists?ids={}"]))
def test_any_id_answers_200_400_or_404(catalog: Catalog, item_id: str, route: str) -> None:
    answer = Client(catalog).get("/v1/" + route.format(quote(item_id, safe="")))
    _check(answer, (200, 400, 404))


@_FUZZ
@given(limit=_NUMBER, offset=_NUMBER, groups=st.text(max_size=20))
def test_any_paging_answers_200_or_400(catalog: Catalog, limit: str, offset: str, groups: str) -> None:
    client = Client(catalog)
    tracks = _check(client.get(f"/v1/albums/{OUTRUN}/tracks", {"limit": limit, "offset": offset}), (200, 400))
    if "error" not in tracks:
        assert len(tracks["items"]) <= int(limit or 20)
    params = {"limit": limit, "offset": offset, "include_groups": groups}
    _check(client.get("/v1/artists/0UF7XLthtbSF2Eur7559oV/albums", params), (200, 400))


@_FUZZ
@given(path=st.one_of(st.text(max_size=40), st.lists(st.sampled_from(["v1", "albums", "tracks", "artists", "search",
                                                                  "api", "token", OUTRUN, "", "..", "%2F", "?"]),
                                                  max_size=5).map("/".join)),
       host=st.sampled_from(["catalog.invalid", "127.0.0.1:8000", "[::1]:80", "[::1", "user:pw@h", "h\udcff"]),
       method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"]))
def test_any_url_and_method_answer_without_a_500(catalog: Catalog, path: str, host: str, method: str) -> None:
    answer = Client(catalog, f"http://{host}").response(f"http://{host}/{path}", method=method)
    assert answer.status in (200, 400, 404, 405), answer.status
    body = json.loads(answer.body)
    if answer.status != 200:
        assert "error" in body
    assert b"user:pw" not in answer.body, "links never repeat the request's user info"


@_FUZZ
@given(body=st.binary(max_size=80), header=st.text(max_size=40))
def test_any_token_request_answers_200_or_400(catalog: Catalog, body: bytes, header: str) -> None:
    answer = Client(catalog).response("/api/token", method="POST", headers=(("Authorization", header),), body=body)
    assert answer.status in (200, 400)
    json.loads(answer.body)
