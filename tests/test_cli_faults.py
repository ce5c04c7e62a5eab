"""Faults a new user meets, sent through the real ``tagbridge`` command: one clear line, no traceback, the documented exit status.

Misbehaving servers (redirect loops, lying Content-Length, broken gzip, silence), broken cache
directories, bad input text, bad settings, and an output that goes away. In each, the other
sources still answer.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recorded_server import Answer, RecordedServer, recorded_server  # noqa: F401 - fixture
from shared_paths import recorded
from test_cli import CAA_BODY, MBID_CAA, NO_RESULTS, RAM_SEARCH, run_cli

RAM = ("--artist", "Daft Punk", "--album", "Random Access Memories")


def _exe() -> list[str]:
    exe = shutil.which("tagbridge")
    return [exe] if exe else [sys.executable, "-m", "tagbridge"]


def _env(server: RecordedServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAGBRIDGE_")}
    env.update(TAGBRIDGE_ITUNES_URL=server.url, TAGBRIDGE_CAA_URL=server.url, TAGBRIDGE_MUSICBRAINZ_URL=server.url,
               TAGBRIDGE_CACHE_DIR=str(tmp_path / "cache"), TAGBRIDGE_TIMEOUT="2", TAGBRIDGE_RATE_LIMIT_RETRIES="0",
               TAGBRIDGE_ITUNES_RATE="1000/1", TAGBRIDGE_MUSICBRAINZ_RATE="1000/1")
    env.update(extra)
    return env


def _caa_answers(server: RecordedServer) -> None:
    server.add(f"/release/{MBID_CAA}", Answer(recorded(CAA_BODY)))
    server.add(f"/ws/2/release/{MBID_CAA}", Answer(b'{"error": "Not Found"}', status=404))


def _clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, f"no traceback may reach the user:\n{proc.stderr}"


# --- faults that must never escape a source -------------------------------------------------


@pytest.mark.parametrize("answer, needle", [
    (Answer(b"", status=302, headers={"Location": "/search"}), "too many redirects"),
    (Answer(b"{}", length=512 * 1024 * 1024), "larger than"),
    (Answer(b"this is not gzip at all", headers={"Content-Encoding": "gzip"}), "decode"),
])
def test_a_broken_itunes_answer_is_one_sources_failure(recorded_server: RecordedServer, tmp_path: Path,
                                                        answer: Answer, needle: str) -> None:
    recorded_server.add("/search", answer)
    _caa_answers(recorded_server)
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--mbid", MBID_CAA, "--json")
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    reports = {r["source"]: r for r in out["sources"]}
    assert reports["itunes"]["ok"] is False and needle in reports["itunes"]["error"], reports["itunes"]
    assert [c["source"] for c in out["candidates"]] == ["caa"], "the Cover Art Archive still answered"
    assert [line for line in proc.stderr.splitlines() if "itunes" in line], "the failure is named on stderr"


def test_a_broken_answer_in_a_batch_does_not_drop_the_rest_of_the_file(recorded_server: RecordedServer,
                                                                       tmp_path: Path) -> None:
    loop = Answer(b"", status=302, headers={"Location": "/search?term=Daft+Punk+Homework"})
    recorded_server.add("/search", loop, term="Daft Punk Homework")
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"artist": "Daft Punk", "album": "Homework"}\n'
                     '{"artist": "Daft Punk", "album": "Random Access Memories"}\n', encoding="utf-8")
    proc = run_cli(recorded_server, tmp_path, "art", "--batch", str(batch), "--json")
    _clean(proc)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 2 and lines[1]["candidates"], "the second album is still found"
    assert lines[0]["outcome"] == "failed" and proc.returncode == 1


@pytest.mark.parametrize("make_dir", ["a file in the way", "under /proc", "corrupt cache file", "corrupt rate-limit file"])
def test_a_broken_cache_directory_still_answers_and_says_so_once(recorded_server: RecordedServer, tmp_path: Path,
                                                                  make_dir: str) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    cache = tmp_path / "cache"
    if make_dir == "a file in the way":
        (tmp_path / "file").write_text("not a directory")
        cache = tmp_path / "file" / "cache"
    elif make_dir == "under /proc":
        cache = Path("/proc/self/tagbridge-cache")
    else:
        cache.mkdir()
        name = "http-cache.sqlite" if make_dir == "corrupt cache file" else "ratelimit.sqlite"
        (cache / name).write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    for attempt in range(2):  # twice: the second run meets the same broken files
        proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--json", TAGBRIDGE_CACHE_DIR=str(cache))
        _clean(proc)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["candidates"], "the album is found without a cache"
        warnings = [line for line in proc.stderr.splitlines() if line.strip()]
        # The second run may answer from a cache without touching the broken file at all.
        assert (attempt or warnings) and len(warnings) <= 2 and all(len(w) < 300 for w in warnings), \
            f"one short line per broken file, not a traceback: {warnings}"


def test_no_cache_needs_no_cache_directory(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    (tmp_path / "file").write_text("not a directory")
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--json", "--no-cache",
                   TAGBRIDGE_CACHE_DIR=str(tmp_path / "file" / "cache"))
    _clean(proc)
    assert proc.returncode == 0 and json.loads(proc.stdout)["candidates"]
    assert "HTTP cache" not in proc.stderr, "--no-cache does not need the cache, so it does not complain about it"


def test_home_unset_still_answers(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    env = _env(recorded_server, tmp_path)
    for key in ("HOME", "TAGBRIDGE_CACHE_DIR", "XDG_CACHE_HOME"):
        env.pop(key, None)
    proc = subprocess.run([*_exe(), "art", *RAM, "--json"], capture_output=True, text=True, env=env, timeout=60)
    _clean(proc)
    assert proc.returncode == 0 and json.loads(proc.stdout)["candidates"]


# --- bad input text -------------------------------------------------------------------------


def test_bad_batch_lines_are_each_one_error_and_the_batch_goes_on(recorded_server: RecordedServer,
                                                                  tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    good = b'{"artist": "Daft Punk", "album": "Random Access Memories"}\n'
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(
        b"\xef\xbb\xbf" + good                                             # a BOM before the first line
        + '{"artist": "Beyoncé", "album": "Lemonade"}\n'.encode("latin-1")  # Latin-1, not UTF-8
        + b'{"artist": "\\ud800", "album": "x"}\n'                          # a lone surrogate
        + b"[" * 100_000 + b"\n"                                            # nested 100k deep
        + b'{"artist": "Daft Punk", "albm": "x"}\n'                         # a misspelt key
        + good
    )
    proc = run_cli(recorded_server, tmp_path, "art", "--batch", str(batch), "--json")
    _clean(proc)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 6, "one result or error per line"
    assert lines[0]["candidates"] and lines[5]["candidates"], "the BOM line and the last line are found"
    errors = [line.get("error", "") for line in lines[1:5]]
    assert "line 2: not UTF-8" in errors[0]
    assert errors[1].startswith("line 3: artist: ") and "not UTF-8" in errors[1]
    assert "line 4: JSON nested" in errors[2]
    assert errors[3].startswith("line 5: albm: not a query field")
    assert proc.returncode == 2 and "4 of 6 batch lines" in proc.stderr


def test_an_argument_with_undecodable_bytes_names_the_flag(recorded_server: RecordedServer, tmp_path: Path) -> None:
    proc = subprocess.run([*_exe(), "art", "--artist", b"Beyonc\xe9", "--album", "Lemonade"],  # type: ignore[list-item]
                          capture_output=True, text=True, env=_env(recorded_server, tmp_path), timeout=60)
    _clean(proc)
    assert proc.returncode == 2 and proc.stderr.startswith("tagbridge: error: --artist: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_batch_from_stdin_streams_each_result_as_its_line_arrives(recorded_server: RecordedServer,
                                                                  tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    proc = subprocess.Popen([*_exe(), "art", "--batch", "-", "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(recorded_server, tmp_path))
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b'{"artist": "Daft Punk", "album": "Random Access Memories"}\n')
    proc.stdin.flush()
    first = proc.stdout.readline()  # arrives while stdin is still open
    assert json.loads(first)["candidates"], "the first result comes before the input ends"
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


# --- bad settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("var, value", [
    ("TAGBRIDGE_ITUNES_URL", "http://127.0.0.1:notaport"),
    ("TAGBRIDGE_ITUNES_URL", "http://[::1"),
    ("TAGBRIDGE_CAA_URL", "http://cover art.org"),
    ("TAGBRIDGE_TIMEOUT", "nan"),
    ("TAGBRIDGE_COUNTRIES", "US,XX"),
])
def test_a_bad_setting_exits_2_naming_the_variable(recorded_server: RecordedServer, tmp_path: Path, var: str,
                                                   value: str) -> None:
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, **{var: value})
    _clean(proc)
    assert proc.returncode == 2 and proc.stderr.startswith(f"tagbridge: error: {var}: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_spotify_without_credentials_is_that_sources_failure_only(recorded_server: RecordedServer,
                                                                  tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    _caa_answers(recorded_server)
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--mbid", MBID_CAA, "--json",
                   TAGBRIDGE_SOURCES="caa,itunes,spotify")
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    reports = {r["source"]: r for r in out["sources"]}
    assert reports["spotify"]["ok"] is False and "not configured" in reports["spotify"]["error"]
    assert {c["source"] for c in out["candidates"]} == {"caa", "itunes"}


# --- the output goes away -------------------------------------------------------------------


def _batch_of(tmp_path: Path, n: int) -> Path:
    batch = tmp_path / "many.jsonl"
    batch.write_text('{"artist": "Daft Punk", "album": "Random Access Memories"}\n' * n, encoding="utf-8")
    return batch


def test_a_closed_pipe_exits_quietly(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    batch = _batch_of(tmp_path, 200)
    cmd = " ".join([*_exe(), "art", "--batch", str(batch), "--json"]) + " | head -1; exit ${PIPESTATUS[0]}"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True,
                          env=_env(recorded_server, tmp_path), timeout=120)
    assert len(proc.stdout.splitlines()) == 1 and json.loads(proc.stdout)["candidates"]
    _clean(proc)
    assert proc.stderr.strip() == "", f"nothing on stderr: {proc.stderr}"
    assert proc.returncode == 141, "128 + SIGPIPE, as a shell reports a closed pipe"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is a Linux device")
def test_a_full_disk_on_stdout_is_one_line_and_exit_74(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*_exe(), "art", *RAM, "--json"], stdout=full, stderr=subprocess.PIPE, text=True,
                              env=_env(recorded_server, tmp_path), timeout=60)
    _clean(proc)
    assert proc.returncode == 74 and "cannot write the output" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_ctrl_c_in_a_batch_exits_130_with_whole_lines_only(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH)))
    proc = subprocess.Popen([*_exe(), "art", "--batch", "-", "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(recorded_server, tmp_path))
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b'{"artist": "Daft Punk", "album": "Random Access Memories"}\n')
    proc.stdin.flush()
    first = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)  # while it waits for the next line
    code = proc.wait(timeout=30)
    rest, err = proc.stdout.read(), proc.stderr.read().decode()
    assert code == 130 and "Traceback" not in err and err.strip() == "tagbridge: interrupted"
    assert json.loads(first)["candidates"] and rest == b"", "only whole lines were written"


# --- time limits ----------------------------------------------------------------------------


def test_a_silent_itunes_costs_one_timeout_not_one_per_storefront(recorded_server: RecordedServer,
                                                                  tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(RAM_SEARCH), delay=30))
    _caa_answers(recorded_server)
    started = time.monotonic()
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--mbid", MBID_CAA, "--country", "US,GB,JP", "--json",
                   TAGBRIDGE_TIMEOUT="1")
    elapsed = time.monotonic() - started
    _clean(proc)
    out = json.loads(proc.stdout)
    error = {r["source"]: r for r in out["sources"]}["itunes"]["error"]
    assert "timed out after 1" in error, error
    assert elapsed < 8, f"three storefronts behind a silent server took {elapsed:.1f} s; the bound is one timeout"
    assert out["candidates"] and out["candidates"][0]["source"] == "caa"


# --- secrets --------------------------------------------------------------------------------


def test_a_password_in_a_base_url_is_never_shown(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(b"<html>oops</html>", status=503, content_type="text/html"))
    url = recorded_server.url.replace("http://", "http://user:hunter2@")
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--json", "-vv", TAGBRIDGE_ITUNES_URL=url)
    _clean(proc)
    assert proc.returncode == 1
    assert "hunter2" not in proc.stdout and "hunter2" not in proc.stderr, "user info is redacted everywhere"
    reports = {r["source"]: r for r in json.loads(proc.stdout)["sources"]}
    assert "503" in reports["itunes"]["error"]


# --- nothing bad is ever cached -------------------------------------------------------------


@pytest.mark.parametrize("bad", [
    Answer(b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html"),
    Answer(b'{"resultCount": 3, "results": [{"wrapperType": "coll'),
    Answer(b""),
    Answer(b"\xff\xfe\x00{}"),
    Answer(b'{"unexpected": "shape"}'),
])
def test_an_unusable_200_is_not_cached_so_a_healed_server_is_believed(recorded_server: RecordedServer,
                                                                      tmp_path: Path, bad: Answer) -> None:
    recorded_server.add("/search", bad, Answer(recorded(RAM_SEARCH)))
    first = run_cli(recorded_server, tmp_path, "art", *RAM, "--json")
    _clean(first)
    assert first.returncode == 1 and json.loads(first.stdout)["outcome"] == "failed"
    second = run_cli(recorded_server, tmp_path, "art", *RAM, "--json")
    assert second.returncode == 0 and json.loads(second.stdout)["candidates"], "the healed answer is used"
    third = run_cli(recorded_server, tmp_path, "art", *RAM, "--json")
    assert json.loads(third.stdout)["candidates"] and recorded_server.hits("/search") == 2, "the good one is cached"


# --- messages a person can act on -----------------------------------------------------------


def test_nothing_asked_is_said_so_not_abstained(recorded_server: RecordedServer, tmp_path: Path) -> None:
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "--sources", "caa")
    _clean(proc)
    assert proc.returncode == 0
    assert "nothing was asked" in proc.stdout and "needs a MusicBrainz release" in proc.stdout
    assert "abstained" not in proc.stdout


def test_a_musicbrainz_404_says_there_is_no_such_release(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add(f"/ws/2/release/{MBID_CAA}", Answer(b'{"error": "Not Found"}', status=404))
    recorded_server.add(f"/release/{MBID_CAA}", Answer(b"<html>404</html>", status=404, content_type="text/html"))
    proc = run_cli(recorded_server, tmp_path, "art", "--mbid", MBID_CAA)
    _clean(proc)
    assert f"MusicBrainz has no release {MBID_CAA}" in proc.stdout


def test_verbose_works_after_the_command(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded(NO_RESULTS)))
    proc = run_cli(recorded_server, tmp_path, "art", *RAM, "-vv")
    assert proc.returncode == 0 and "/search" in proc.stderr, "-vv after the command logs requests"
