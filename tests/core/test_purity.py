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


def test_core_imports_nothing_above_it() -> None:
    # Imports point toward core: the resolver and the settings parser sit above sources/, and
    # core/ must never reach up to them, nor to sources/ itself.
    code = (
        "import sys, json, pkgutil, importlib, tagbridge.core\n"
        "for m in pkgutil.iter_modules(tagbridge.core.__path__):\n"
        "    importlib.import_module('tagbridge.core.' + m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    above = sorted(m for m in json.loads(out) if m.startswith("tagbridge.") and not m.startswith("tagbridge.core")
                   and m != "tagbridge.__init__")
    assert not above, f"tagbridge.core must not import the layers above it, but it loaded {above}"


def test_the_command_line_parser_imports_no_http_stack() -> None:
    # `tagbridge --help` must stay fast: requests and its cache load only when a command runs.
    code = "import sys, json, tagbridge.cli\ntagbridge.cli.build_parser()\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    heavy = sorted(m for m in json.loads(out) if m.split(".")[0] in ("requests", "requests_cache", "pyrate_limiter",
                                                                    "urllib3", "tqdm", "sqlite3"))
    assert not heavy, f"building the CLI parser loaded {heavy}"
