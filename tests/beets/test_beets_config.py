"""The plugin's options in beets' YAML: a bad value is one ``error:`` line, and the Spotify secret never shows.

The options are read by the one settings parser the command line uses (``tagbridge/settings.py``);
these tests check what a beets user sees: ``beet`` exits non-zero naming ``tagbridge.<option>``,
without a traceback, and ``beet config`` and the most verbose import log keep the secret out.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from beets.exceptions import UserError
from beets_support import Beet, Beets, fast_options
from fakes.spec_clone import SpecClone

SECRET = "s3cr3t-0f-the-b33ts-user"
CLIENT_ID = "the-beets-users-client-id"


@pytest.mark.parametrize("options, option", [
    ({"size": "huge"}, "size"),
    ({"countries": ["UK"]}, "countries"),
    ({"spotify": {"backend": "clone", "url": None}}, "spotify.backend"),
    ({"rates": {"itunes": "fast"}}, "rates.itunes"),
    ({"colour": "blue"}, "colour"),
])
def test_a_bad_option_is_one_error_line_naming_it(beet: Beet, options: dict[str, Any], option: str) -> None:
    tagbridge = fast_options(beet.root / "cache")
    tagbridge.update(options)
    beet.configure(["tagbridge"], tagbridge=tagbridge)
    proc = beet("config")
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"error: tagbridge.{option}: "), line


@pytest.mark.parametrize("options, said", [
    ({"spotify": {"colour": "blue"}}, "tagbridge.spotify.colour: not an option"),
    ({"spotify": "clone"}, "tagbridge.spotify: expected a mapping"),
    ({"urls": {"itunes": "ftp://example.org"}}, "tagbridge.urls.itunes: "),
    ({"sources": ["itunes", "deezer"]}, "tagbridge.sources: unknown source 'deezer'"),
])
def test_more_bad_options_stop_beets_at_plugin_load(beets_lib: Beets, tmp_path: Path, options: dict[str, Any],
                                                     said: str) -> None:
    tagbridge = fast_options(tmp_path / "cache")
    tagbridge.update(options)
    with pytest.raises(UserError, match="^" + said.replace(".", r"\.").replace("(", r"\(")):
        beets_lib.load("tagbridge", tagbridge=tagbridge)


def test_comma_separated_lists_are_read_as_lists(beets_lib: Beets, tmp_path: Path) -> None:
    from beetsplug.tagbridge import TagbridgePlugin

    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", sources="itunes, caa", countries="us,gb"))
    settings = beets_lib.instance(TagbridgePlugin).settings
    assert (settings.sources, settings.countries) == (("itunes", "caa"), ("US", "GB"))


def test_space_separated_lists_are_read_as_beets_reads_them(beets_lib: Beets, tmp_path: Path) -> None:
    from beetsplug.tagbridge import TagbridgePlugin

    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", sources="itunes caa", countries="US GB"))
    settings = beets_lib.instance(TagbridgePlugin).settings
    assert (settings.sources, settings.countries) == (("itunes", "caa"), ("US", "GB"))


# --- the secret ---------------------------------------------------------------------------------

def secret_forms() -> list[str]:
    """The secret as it could leak: plain, and inside a Basic authorization header."""
    return [SECRET, base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()]


def api_options(beet: Beet, clone: SpecClone) -> dict[str, Any]:
    clone.client_id, clone.client_secret, clone.require_auth = CLIENT_ID, SECRET, True
    return fast_options(beet.root / "cache", sources=["spotify"], spotify={
        "backend": "api", "url": clone.api_url, "token_url": clone.token_url,
        "client_id": CLIENT_ID, "client_secret": SECRET})


def test_beet_config_redacts_the_client_id_and_secret(beet: Beet, spec_clone: SpecClone) -> None:
    beet.configure(["tagbridge"], tagbridge=api_options(beet, spec_clone))
    proc = beet("config")
    assert proc.returncode == 0, proc.stderr
    assert "client_id: REDACTED" in proc.stdout and "client_secret: REDACTED" in proc.stdout, proc.stdout
    assert not any(s in proc.stdout + proc.stderr for s in [*secret_forms(), CLIENT_ID])


def test_the_secret_stays_out_of_the_most_verbose_import(beet: Beet, spec_clone: SpecClone,
                                                        outrun_by_names: Path) -> None:
    beet.configure(["tagbridge"], tagbridge=api_options(beet, spec_clone))
    proc = beet("-vv", "import", "-q", str(outrun_by_names))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "/api/token" in proc.stderr, "the -vv log shows the requests, token request included"
    assert len(spec_clone.tokens_issued) == 1 and beet.open_library().albums()[0]["spotify_album_id"]
    output = proc.stdout + proc.stderr
    assert not [s for s in secret_forms() if s in output], "the secret appears in the import's output"
    assert not [t for t in spec_clone.tokens_issued if t in output], "the bearer token appears in the output"
    for stored in (beet.root / "cache").iterdir():
        assert SECRET.encode() not in stored.read_bytes(), f"the secret is stored in {stored.name}"
