"""The architecture rule: core and sources import no I/O library and no host."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("requests", "sqlite3", "beets", "picard", "PyQt6", "PyQt5", "urllib3", "requests_cache", "socket")


def test_core_and_sources_import_no_io_or_host_modules() -> None:
    code = (
        "import sys, json, pkgutil, importlib, tagbridge.core, tagbridge.sources\n"
        "for pkg in (tagbridge.core, tagbridge.sources):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(pkg.__name__ + '.' + m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out))
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert not leaked, f"core/sources must stay sans-I/O, but importing them loaded {leaked}"
