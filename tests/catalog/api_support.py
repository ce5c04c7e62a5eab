"""Helpers for the Web API tests: a catalog built from the real Anna's sample, and calling ``handle``.

What belongs here: building a test catalog the way an import does (schema, the sample's rows
read from Parquet in place, the dump's indexes, the search indexes, then marked complete), the
few rows the tests add (a takedown, an ISRC stored with dashes), and a small client that calls
:func:`tagbridge.catalog.api.handle` and decodes its answer. What doesn't: assertions.

Test modules import this module (``from api_support import ...``); there is no
``tests/catalog/conftest.py``, so fixtures are imported explicitly where they are used.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast
from urllib.parse import parse_qsl, urlsplit

import pytest
from shared_paths import ANNAS_SAMPLE, SHARED, require_shared

from tagbridge.catalog import build, sql
from tagbridge.catalog.api import handle
from tagbridge.catalog.store import Catalog
from tagbridge.core.http import HttpRequest, HttpResponse

__all__ = [
    "BASE",
    "DASHED_ISRC",
    "DASHED_ISRC_TRACK",
    "KAVINSKY",
    "NEW_ORDER",
    "OUTRUN",
    "SUBSTANCE",
    "TAKEDOWN_ALBUM",
    "TAKEDOWN_TRACK",
    "Answer",
    "Client",
    "build_sample_catalog",
    "catalog",
    "client",
    "SpecSchemas",
    "spec_schemas",
    "pretty_json",
]

#: Where the in-process driver sends requests; the tests check links point back here.
BASE: Final = "http://catalog.invalid"
OUTRUN: Final = "3bRM4GQgoFjBRRzhp87Ugb"  # Kavinsky, 13 tracks, UPC 00602537292066
SUBSTANCE: Final = "6iHuSGy6pq4tNGFV3ZVPtl"  # New Order, 24 tracks on 2 discs
KAVINSKY: Final = "0UF7XLthtbSF2Eur7559oV"
NEW_ORDER: Final = "0yNLKJebCb8Aueb54LYya3"
#: Rows the tests add to the sample: an album taken down (empty name) with one track, by Kavinsky.
TAKEDOWN_ALBUM: Final = "0TakenDownAlbum0000000"
TAKEDOWN_TRACK: Final = "0TakenDownTrack0000000"
#: A track whose ISRC the dump stores with dashes, so only ``tb_isrc`` finds it.
DASHED_ISRC_TRACK: Final = "0DashedIsrcTrack000000"
DASHED_ISRC: Final = "US-TB1-25-00001"

_TABLES: Final = tuple(sql.DUMP_TABLES)
_KAVINSKY_ROWID: Final = 6621289


def _insert_sample(conn: sqlite3.Connection, directory: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # pyarrow ships no type hints

    for table in _TABLES:
        columns = [name for name, _kind in sql.DUMP_TABLES[table]]
        data = pq.read_table(directory / f"{table}.parquet", columns=columns)
        rows = list(zip(*(data.column(name).to_pylist() for name in columns)))
        with conn:
            conn.executemany(sql.insert_rows(table), rows)


def _insert_test_rows(conn: sqlite3.Connection) -> None:
    """A takedown by Kavinsky and an album whose one track's ISRC is stored with dashes."""
    album = sql.insert_rows("albums")
    track = sql.insert_rows("tracks")
    with conn:
        conn.execute(album, (90000001, TAKEDOWN_ALBUM, 0, "", "album", 3, "0000000000017", None, None, None,
                             10, "2013-01-01", "day", 1, None))
        conn.execute(track, (900000001, TAKEDOWN_TRACK, 0, "Nightcall Takedown", None, 90000001, 1,
                             "QZTKD2500001", 5, 3, 1, 1000, 0))
        conn.execute(sql.insert_rows("artist_albums"), (_KAVINSKY_ROWID, 90000001, 0, 0, 0))
        conn.execute(sql.insert_rows("track_artists"), (900000001, _KAVINSKY_ROWID))
        conn.execute(sql.insert_rows("artists"), (90000002, "0DashedIsrcArtist00000", 0, "Tagbridge Testers", 7, 1))
        conn.execute(album, (90000002, "0DashedIsrcAlbum000000", 0, "Dashes in the Code", "single", 1, None,
                             None, None, "tagbridge", 1, "2025", "year", 1, None))
        conn.execute(track, (900000002, DASHED_ISRC_TRACK, 0, "Hyphenated", None, 90000002, 1, DASHED_ISRC,
                             1, 1, 1, 2000, 1))
        conn.execute(sql.insert_rows("artist_albums"), (90000002, 90000002, 0, 0, 0))
        conn.execute(sql.insert_rows("track_artists"), (900000002, 90000002))


def build_sample_catalog(path: Path, directory: Path = ANNAS_SAMPLE) -> Path:
    """A complete catalog at ``path`` from the sample's Parquet files plus the test rows."""
    conn = sqlite3.connect(path)
    try:
        build.create_schema(conn)
        _insert_sample(conn, directory)
        _insert_test_rows(conn)
        build.create_dump_indexes(conn)
        build.build_search_indexes(conn)
        build.set_meta(conn, kind="full")
        build.mark_complete(conn)
    finally:
        conn.close()
    return path


@dataclass(frozen=True, slots=True)
class Answer:
    """A decoded answer: status, content type and JSON body."""

    status: int
    content_type: str | None
    body: Any
    raw: bytes


class Client:
    """Calls ``handle`` the way the in-process driver does (params beside the URL, or in it)."""

    def __init__(self, catalog: Catalog, base: str = BASE) -> None:
        self.catalog = catalog
        self.base = base

    def response(self, path: str, params: dict[str, str] | None = None, *, method: str = "GET",
                 headers: tuple[tuple[str, str], ...] = (), body: bytes | None = None) -> HttpResponse:
        """The raw answer to ``path`` (which may carry a query string) with ``params`` beside it."""
        url = path if path.startswith("http") else self.base + path
        request = HttpRequest(url=url, source="spotify", method=method, params=tuple((params or {}).items()),
                              headers=headers, body=body)
        return handle(request, self.catalog)

    def get(self, path: str, params: dict[str, str] | None = None, **kwargs: Any) -> Answer:
        """The decoded answer; the body must be JSON whatever the status."""
        response = self.response(path, params, **kwargs)
        return Answer(response.status, response.header("content-type"), json.loads(response.body), response.body)

    def json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The body of a 200 answer (asserting it was one)."""
        answer = self.get(path, params)
        assert answer.status == 200, f"{path} {params} should answer 200, got {answer.status}: {answer.body}"
        return answer.body

    def follow(self, url: str) -> Any:
        """Follow a ``next``/``previous`` link, which must point back at this base."""
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.base, f"{url} should point back at {self.base}"
        return self.json(url.split("?")[0], dict(parse_qsl(parts.query)))


@pytest.fixture(scope="session")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    """The sample catalog, built once per session (skips when ../shared or pyarrow is missing)."""
    directory = require_shared(ANNAS_SAMPLE)
    pytest.importorskip("pyarrow", reason="pyarrow reads the Anna's sample; install the test extra")
    path = build_sample_catalog(tmp_path_factory.mktemp("catalog") / "sample.sqlite", directory)
    opened = Catalog(path)
    yield opened
    opened.close()


@pytest.fixture
def client(catalog: Catalog) -> Client:
    """A client of the sample catalog at :data:`BASE`."""
    return Client(catalog)


def cast_json(value: object) -> dict[str, Any]:
    """A decoded JSON object, typed for indexing."""
    assert isinstance(value, dict)
    return cast(dict[str, Any], value)


# -- the OpenAPI spec ----------------------------------------------------------------------------

class SpecSchemas:
    """Validates bodies against ``../shared/specs/spotify-web-api.openapi.yml`` (OpenAPI 3.0.3).

    :meth:`check` runs openapi-schema-validator's OAS 3.0 validator (so ``nullable`` applies) on
    a component schema or a route's response, and also refuses keys the schema does not declare:
    the spec allows extra keys, but a misspelt key would then pass unnoticed.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.components: dict[str, Any] = spec["components"]

    def response_schema(self, path: str, status: int = 200) -> dict[str, Any]:
        """The body schema the spec gives ``GET path`` (a template such as ``/albums/{id}``)."""
        if status != 200:
            return cast(dict[str, Any], self.components["responses"]["BadRequest" if status == 400 else "NotFound"]
                        ["content"]["application/json"]["schema"])
        response = self.spec["paths"][path]["get"]["responses"]["200"]
        if "$ref" in response:
            response = self.components["responses"][response["$ref"].rsplit("/", 1)[-1]]
        return cast(dict[str, Any], response["content"]["application/json"]["schema"])

    def check(self, body: Any, *, schema: str | None = None, path: str | None = None, status: int = 200) -> None:
        """Assert ``body`` is valid for the component ``schema`` or for ``path``'s ``status`` answer."""
        from openapi_schema_validator import OAS30Validator

        shape = {"$ref": f"#/components/schemas/{schema}"} if schema else self.response_schema(str(path), status)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in OAS30Validator({"components": self.components, **shape}).iter_errors(body)]
        assert not errors, f"the body should validate against {schema or path}: {errors[:5]}"
        extra = sorted(self._undeclared(shape, body, "$"))
        assert not extra, f"every key should be declared by the spec: {extra[:5]}"

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.components["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = self._resolve(schema)
        found = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            found.update(self._properties(part))
        return found

    def _items(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        schema = self._resolve(schema)
        if "items" in schema:
            return cast(dict[str, Any], schema["items"])
        for part in schema.get("allOf", []):
            if (items := self._items(part)) is not None:
                return items
        return None

    def _undeclared(self, schema: dict[str, Any], body: Any, where: str) -> set[str]:
        if isinstance(body, list):
            items = self._items(schema)
            return set().union(*(self._undeclared(items, v, f"{where}[]") for v in body)) if items else set()
        if not isinstance(body, dict):
            return set()
        declared = self._properties(schema)
        extra = {f"{where}.{key}" for key in body if key not in declared}
        for key, value in body.items():
            if key in declared:
                extra |= self._undeclared(declared[key], value, f"{where}.{key}")
        return extra


@pytest.fixture(scope="session")
def spec_schemas() -> SpecSchemas:
    """The Spotify OpenAPI spec's validator (skips when ../shared, PyYAML or the validator is missing)."""
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the OpenAPI spec; install the test extra")
    pytest.importorskip("openapi_schema_validator", reason="openapi-schema-validator checks bodies; install the test extra")
    spec = require_shared(SHARED / "specs" / "spotify-web-api.openapi.yml")
    return SpecSchemas(yaml.safe_load(spec.read_text(encoding="utf-8")))


# -- fixtures on disk ----------------------------------------------------------------------------

_CODES = re.compile(r'\[\s+((?:"[A-Z]{2}",\s+)*"[A-Z]{2}")\s+\]')


def pretty_json(body: Any) -> str:
    """``body`` indented for review, with each country-code list on one line."""
    text = json.dumps(body, indent=2, ensure_ascii=False)
    return _CODES.sub(lambda match: "[" + re.sub(r"\s+", " ", match[1]) + "]", text) + "\n"
