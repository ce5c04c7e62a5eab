"""The README's main job, as a new user runs it: ``tagbridge demo``, offline, on the embedded default.

Every HTTP request the demo might make (cover art, iTunes, CAA) goes through a proxy that is
not there, so nothing can reach the internet, as on a fresh offline machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import mediafile


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_demo_tags_an_untagged_album_offline_and_says_why_there_is_no_cover(tmp_path: Path) -> None:
    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAGBRIDGE_")}
    env.update(HTTP_PROXY=proxy, HTTPS_PROXY=proxy, http_proxy=proxy, https_proxy=proxy, NO_PROXY="",
               HOME=str(tmp_path / "home"))
    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    proc = subprocess.run([*cmd, "demo", "--dir", str(tmp_path / "demo"), "--tracks", "2000"], capture_output=True,
                          text=True, env=env, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "applied: tagbridge identified the album by its files' ISRCs" in out
    assert "would fetch https://i.scdn.co/image/" in out and "could not:" in out
    files = sorted((tmp_path / "demo" / "library").rglob("*.wav"))
    assert len(files) == 6, "the six files were imported into the library"
    tags = [mediafile.MediaFile(str(f)) for f in files]
    assert [t.title for t in tags] == ["Harbour Lights", "Paper Moons", "Salt on the Wire", "Night Ferry",
                                       "Café Lumière", "Lighthouse Keeper"]
    assert {t.artist for t in tags} == {"The Lantern Club"} and {t.album for t in tags} == {"Night Ferry"}
    assert all(t.isrc for t in tags) and {t.year for t in tags} == {2019}
    untagged = [mediafile.MediaFile(str(f)) for f in sorted((tmp_path / "demo" / "untagged").glob("*.wav"))]
    assert all(not t.title and not t.artist and t.isrc for t in untagged), "the input carried only ISRCs"
