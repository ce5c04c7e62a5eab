"""End to end through the real front end: the ``tagbridge`` command against a local HTTP server.

The server answers with real recorded bodies from ../shared/data/recorded (and, where no
recording exists, the project's own fixtures). Nothing reaches the internet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recorded_server import Answer, RecordedServer, recorded_server  # noqa: F401 - fixture
from shared_paths import recorded

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RAM_SEARCH = "itunes/catalogmigrator_search_album_daft_punk_ram_limit25.json"
NO_RESULTS = "itunes/catalogmigrator_search_album_no_results.json"
MB_APPLE = "musicbrainz/mb_release_83a3f2c0_inc-url-rels_spotify_free_streaming_apple_streaming.json"
MBID_APPLE = "83a3f2c0-3ca7-4e6e-9de8-f740a1eb8990"
CAA_BODY = "caa/caa_release_0f66c2eb_3img_with1200_graphbrainz.json"
MBID_CAA = "0f66c2eb-cbb5-4dc1-aa64-b5b4a0465e6a"


def run_cli(server: RecordedServer, tmp_path: Path, *args: str, stdin: str | None = None,
            **env_extra: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``tagbridge`` command with every base URL pointed at ``server``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAGBRIDGE_")}
    env.update(
        TAGBRIDGE_ITUNES_URL=server.url, TAGBRIDGE_CAA_URL=server.url, TAGBRIDGE_MUSICBRAINZ_URL=server.url,
        TAGBRIDGE_CACHE_DIR=str(tmp_path / "cache"), TAGBRIDGE_TIMEOUT="2", TAGBRIDGE_RATE_LIMIT_RETRIES="0",
        TAGBRIDGE_ITUNES_RATE="1000/1", TAGBRIDGE_MUSICBRAINZ_RATE="1000/1",
    )
    env.update(env_extra)
    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, input=stdin, timeout=60)


def art_json(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert proc.returncode == 0, f"tagbridge art should succeed: {proc.stderr}"
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_finds_itunes_art_by_text_and_prefers_the_plain_edition(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album",
                           "Random Access Memories", "--json"))
    cands = out["candidates"]
    assert isinstance(cands, list) and cands, "RAM is in the recorded search body"
    best = cands[0]
    assert (best["source"], best["id"], best["match"]) == ("itunes", "617154241", "exact")
    assert best["url"].endswith("/886443919266.jpg/3000x3000bb.jpg"), "artwork is rewritten to 3000x3000bb"
    assert all("Baby Rockstar" != c["artist"] for c in cands), "a lullaby tribute by another artist is wrong art"
    assert all("Drumless" not in c["title"] for c in cands), "a different recording is never offered"


def test_text_output_and_explain_say_why(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    proc = run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album", "Random Access Memories", "--explain")
    assert proc.returncode == 0, proc.stderr
    assert "ranked 1: exact match" in proc.stdout
    assert "source itunes: " in proc.stdout and "passed over: itunes Baby Rockstar" in proc.stdout, \
        "--explain names what was passed over (a lullaby tribute) and why, without -vv"


def test_storefront_fallback_tries_the_next_country(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(NO_RESULTS)), country="US")
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)), country="GB")
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album",
                           "Random Access Memories", "--country", "US,GB", "--json"))
    assert out["candidates"][0]["id"] == "617154241"  # type: ignore[index]
    assert recorded_server.hits("/search") == 2


def test_musicbrainz_apple_link_is_an_id_match(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add(f"/ws/2/release/{MBID_APPLE}", Answer(recorded(MB_APPLE)))
    recorded_server.add("/lookup", Answer(FIXTURES / "itunes" / "lookup_id578168980_project_made.json"), id="578168980")
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--mbid", MBID_APPLE, "--sources", "itunes", "--json"))
    best = out["candidates"][0]  # type: ignore[index]
    assert (best["id"], best["match"]) == ("578168980", "id"), "an ID link beats any text search"
    assert recorded_server.hits("/search") == 0, "no text search once an ID reached the album"


def test_cover_art_archive_front_image_by_mbid(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add(f"/release/{MBID_CAA}", Answer(recorded(CAA_BODY)))
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--mbid", MBID_CAA, "--sources", "caa",
                           "--size", "1200", "--json"))
    best = out["candidates"][0]  # type: ignore[index]
    assert best["source"] == "caa" and best["id"] == MBID_CAA and best["match"] == "id"
    assert best["url"].endswith("28819846237-1200.jpg"), "the front image's 1200 thumbnail"


@pytest.mark.parametrize("answer, needle", [
    (Answer(b"", status=403), "rate limited"),
    (Answer(b"", status=429, headers={"Retry-After": "1"}), "rate limited"),
    (Answer(b"oops", status=503), "HTTP 503"),
    (Answer(b"<!DOCTYPE html><html><body>Error</body></html>", content_type="text/html"), "HTML"),
    (Answer(b'{"resultCount": 3, "results": [{"wrapperType": "coll'), "truncated JSON"),
    (Answer(recorded(RAM_SEARCH), delay=4.0), "timed out"),
])
def test_a_failing_itunes_is_reported_and_caa_still_answers(recorded_server: RecordedServer, tmp_path: Path,
                                                           answer: Answer, needle: str) -> None:
    recorded_server.add("/search", answer)
    recorded_server.add(f"/release/{MBID_CAA}", Answer(recorded(CAA_BODY)))
    recorded_server.add(f"/ws/2/release/{MBID_CAA}", Answer(b'{"error": "Not Found"}', status=404))
    proc = run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album", "Random Access Memories",
                   "--mbid", MBID_CAA, "--json", TAGBRIDGE_TIMEOUT="1")
    out = art_json(proc)
    reports = {r["source"]: r for r in out["sources"]}  # type: ignore[union-attr]
    assert reports["itunes"]["ok"] is False and needle.lower() in reports["itunes"]["error"].lower()
    assert "itunes" in proc.stderr and "Traceback" not in proc.stderr
    assert [c["source"] for c in out["candidates"]] == ["caa"], "one failing source never breaks the others"


def test_a_rate_limit_is_never_cached_as_no_result(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(b"", status=403), Answer(recorded(RAM_SEARCH)))
    args = ("art", "--artist", "Daft Punk", "--album", "Random Access Memories", "--json")
    proc = run_cli(recorded_server, tmp_path, *args)
    assert proc.returncode == 1 and json.loads(proc.stdout)["candidates"] == [], "rate limited: no answer, exit 1"
    second = art_json(run_cli(recorded_server, tmp_path, *args))
    assert second["candidates"], "after the rate limit passes, the album is found"
    third = art_json(run_cli(recorded_server, tmp_path, *args))
    assert third["candidates"] and recorded_server.hits("/search") == 2, "the good answer is served from the cache"


def test_a_rate_limit_with_retry_after_is_waited_out(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(b"", status=429, headers={"Retry-After": "0.2"}), Answer(recorded(RAM_SEARCH)))
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album",
                           "Random Access Memories", "--json", TAGBRIDGE_RATE_LIMIT_RETRIES="2"))
    assert out["candidates"], "the retry after the 429 found the album"


def test_no_cache_bypasses_the_cache_and_refreshes_the_entry(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(NO_RESULTS)), Answer(recorded(RAM_SEARCH)))
    args = ("art", "--artist", "Daft Punk", "--album", "Random Access Memories", "--json")
    assert art_json(run_cli(recorded_server, tmp_path, *args))["candidates"] == [], "the store had nothing yet"
    assert art_json(run_cli(recorded_server, tmp_path, *args))["candidates"] == [], "answered from the cache"
    assert recorded_server.hits("/search") == 1
    assert art_json(run_cli(recorded_server, tmp_path, *args, "--no-cache"))["candidates"], "--no-cache asks again"
    assert recorded_server.hits("/search") == 2
    assert art_json(run_cli(recorded_server, tmp_path, *args))["candidates"], "--no-cache refreshed the cached entry"
    assert recorded_server.hits("/search") == 2


def test_abstains_when_nothing_matches(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    proc = run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album", "Discovery")
    assert proc.returncode == 0 and "abstained" in proc.stdout


def test_batch_prints_one_line_per_query_and_survives_bad_lines(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"artist": "Daft Punk", "album": "Random Access Memories", "tracks": 13}\n'
        "not json\n"
        '{"artist": "Daft Punk", "album": "Random Access Memories (10th Anniversary Edition)"}\n'
        '{"artist": "Daft Punk", "album": "Homework", "barcode": "12ab"}\n',
        encoding="utf-8",
    )
    proc = run_cli(recorded_server, tmp_path, "art", "--batch", str(batch), "--json")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 4, "one result (or error) object per input line"
    assert lines[0]["candidates"][0]["id"] == "617154241"
    assert "not JSON" in lines[1]["error"] and "barcode" in lines[3]["error"]
    assert lines[2]["candidates"][0]["title"] == "Random Access Memories (10th Anniversary Edition)"
    assert proc.returncode == 2 and "2 of 4 batch lines" in proc.stderr


@pytest.mark.parametrize("args, needle", [
    (["art", "--artist", "Daft Punk"], "--artist and --album"),
    (["art", "--mbid", "not-a-uuid"], "--mbid: 'not-a-uuid' is not a MusicBrainz release ID"),
    (["art", "--artist", "A", "--album", "B", "--sources", "deezer"], "unknown source"),
    (["art", "--artist", "A", "--album", "B", "--size", "huge"], "pixel count"),
    (["art", "--batch", "/nonexistent/q.jsonl"], "--batch: cannot read /nonexistent/q.jsonl"),
    (["art", "--barcode", "1234567890"], "--barcode: '1234567890' is not a barcode"),
    (["art", "--artist", "A", "--album", "B", "--size", ""], "--size: is empty"),
    (["art", "--artist", "A", "--album", "B", "--country", ""], "--country: "),
    (["art", "--artist", "A", "--album", "B", "--country", "US,UK"], "did you mean GB"),
    (["art", "--artist", "A", "--album", "B", "--min-score", "nan"], "--min-score: "),
])
def test_usage_errors_exit_2_with_one_line(recorded_server: RecordedServer, tmp_path: Path, args: list[str], needle: str) -> None:
    proc = run_cli(recorded_server, tmp_path, *args)
    assert proc.returncode == 2 and needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_bad_environment_is_a_configuration_error(recorded_server: RecordedServer, tmp_path: Path) -> None:
    proc = run_cli(recorded_server, tmp_path, "art", "--artist", "A", "--album", "B", TAGBRIDGE_ITUNES_RATE="lots")
    assert proc.returncode == 2 and "TAGBRIDGE_ITUNES_RATE" in proc.stderr


def test_help_describes_the_art_command() -> None:
    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    out = subprocess.run([*cmd, "art", "--help"], capture_output=True, text=True, check=True).stdout
    for flag in ("--barcode", "--mbid", "--release-group", "--batch", "--size", "--country", "--explain", "--probe", "--no-cache"):
        assert flag in out


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def test_probe_reports_real_sizes_and_survives_a_truncated_image(recorded_server: RecordedServer, tmp_path: Path) -> None:
    # The recorded CAA body, with its image host pointed at the local server (as a mirror would be).
    body = recorded(CAA_BODY).read_bytes().replace(b"http://coverartarchive.org", recorded_server.url.encode())
    recorded_server.add(f"/release/{MBID_CAA}", Answer(body))
    recorded_server.add(f"/release/{MBID_CAA}/28819846237-1200.jpg", Answer(_png_header(1200, 1200) + b"\0" * 100,
                                                                          content_type="image/png"))
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--mbid", MBID_CAA, "--sources", "caa",
                           "--size", "1200", "--probe", "--json"))
    best = out["candidates"][0]  # type: ignore[index]
    assert (best["width"], best["height"]) == (1200, 1200), "--probe reads the real size from the first bytes"

    recorded_server.routes.clear()
    recorded_server.add(f"/release/{MBID_CAA}", Answer(body))
    recorded_server.add(f"/release/{MBID_CAA}/28819846237-1200.jpg", Answer(b"\xff\xd8\xff\xe0\x00", content_type="image/jpeg"))
    out = art_json(run_cli(recorded_server, tmp_path, "art", "--mbid", MBID_CAA, "--sources", "caa",
                           "--size", "1200", "--probe", "--json", "--no-cache"))
    best = out["candidates"][0]  # type: ignore[index]
    assert best["width"] is None and any("could not read" in r for r in best["reasons"])


def test_every_source_failing_is_exit_1_not_a_clean_abstention(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(b"<html>503</html>", status=503, content_type="text/html"))
    proc = run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album", "Random Access Memories", "--json",
                   TAGBRIDGE_RATE_LIMIT_RETRIES="0")
    assert proc.returncode == 1, "no source could answer: a script must not read this as 'no art exists'"
    assert json.loads(proc.stdout)["candidates"] == []
    assert "urllib3" not in proc.stderr, "retry chatter stays out of the default output"
    text = run_cli(recorded_server, tmp_path, "art", "--artist", "Daft Punk", "--album", "Random Access Memories",
                   TAGBRIDGE_RATE_LIMIT_RETRIES="0")
    assert "every source failed" in text.stdout and "abstained" not in text.stdout
