"""Run every benchmark and print its figures: ``.venv/bin/python benchmarks/run_all.py``.

Each script runs in its own process so that peak memory and start-up are measured cleanly.
Pass ``--quick`` for fewer repeats.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("single_run.py", ["--repeats", "7"], ["--repeats", "3"]),
    ("full_scale.py", ["--repeats", "3"], ["--repeats", "1"]),
    ("scaling.py", ["--repeats", "3"], ["--repeats", "1"]),
    (
        "ensemble.py",
        ["--replications", "200", "--rounds", "3"],
        ["--replications", "40", "--rounds", "1"],
    ),
    ("tuning.py", ["--repeats", "9"], ["--repeats", "3"]),
]


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    failed = 0
    for script, full, short in SCRIPTS:
        print(f"\n# {script}", flush=True)
        args = short if quick else full
        failed |= subprocess.call([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
    return failed


if __name__ == "__main__":
    sys.exit(main())
