"""Start-up cost of the ``tagbridge`` command: ``tagbridge --help`` against a bare interpreter, in one run.

Prints the median wall time of each over ``--repeat`` runs, and their ratio, which is the figure
to quote (these machines are noisy; absolute times are not comparable between runs). Also prints
the cumulative import time of ``tagbridge.cli`` from ``python -X importtime`` and the heavy
modules it pulls in, if any.

    python bench/startup.py [--repeat 15] [--before DIR]

``--before DIR`` also measures another checkout of tagbridge (e.g. ``git worktree add /tmp/before
54e8b06``) in the same run, through ``python -m tagbridge`` with ``PYTHONPATH=DIR``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# Run from a directory holding no tagbridge checkout: the working directory comes first on sys.path.
_NEUTRAL = tempfile.gettempdir()

HEAVY = ("requests", "requests_cache", "pyrate_limiter", "urllib3", "tqdm", "sqlite3", "rapidfuzz")


def _env(root: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if root:
        env["PYTHONPATH"] = root
    return env


def _median_wall(cmd: list[str], repeat: int, root: str | None = None) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=_env(root), cwd=_NEUTRAL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _import_profile(root: str | None = None) -> tuple[float, list[str]]:
    """Cumulative microseconds to import tagbridge.cli and build its parser, and the heavy modules loaded."""
    code = "import tagbridge.cli; tagbridge.cli.build_parser()"
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         check=True, env=_env(root), cwd=_NEUTRAL).stderr
    total = 0.0
    heavy = set()
    for line in err.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if not m:
            continue
        name = m.group(4)
        if name == "tagbridge.cli":
            total = float(m.group(2))
        if name.split(".")[0] in HEAVY:
            heavy.add(name.split(".")[0])
    return total, sorted(heavy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--before", metavar="DIR", help="another checkout to measure in the same run")
    args = parser.parse_args()
    exe = shutil.which("tagbridge")
    cli = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    bare = _median_wall([sys.executable, "-c", "pass"], args.repeat)
    help_ = _median_wall([*cli, "--help"], args.repeat)
    art_help = _median_wall([*cli, "art", "--help"], args.repeat)
    cumulative, heavy = _import_profile()
    print(f"python -c pass        {bare * 1000:7.1f} ms (baseline)")
    print(f"tagbridge --help      {help_ * 1000:7.1f} ms  ratio {help_ / bare:5.2f}")
    print(f"tagbridge art --help  {art_help * 1000:7.1f} ms  ratio {art_help / bare:5.2f}")
    print(f"import tagbridge.cli + parser: {cumulative / 1000:.1f} ms cumulative (-X importtime)")
    print(f"heavy modules loaded for --help: {', '.join(heavy) or 'none'}")
    if args.before:
        old = _median_wall([sys.executable, "-m", "tagbridge", "--help"], args.repeat, args.before)
        now = _median_wall([sys.executable, "-m", "tagbridge", "--help"], args.repeat)
        old_cumulative, old_heavy = _import_profile(args.before)
        print(f"before: python -m tagbridge --help {old * 1000:7.1f} ms  ratio {old / bare:5.2f}; "
              f"import {old_cumulative / 1000:.1f} ms; heavy: {', '.join(old_heavy) or 'none'}")
        print(f"now:    python -m tagbridge --help {now * 1000:7.1f} ms  ratio {now / bare:5.2f}; "
              f"speed-up {old / now:.2f}x")


if __name__ == "__main__":
    main()
