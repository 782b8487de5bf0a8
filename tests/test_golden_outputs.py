"""Golden outputs: a fingerprint of every output table of a few shipped scenarios on two seeds.

A refactoring must leave every fingerprint unchanged (the tables equal to the bit). A deliberate
change of the model's behaviour updates them, in a commit of its own that says why:

    .venv/bin/python tests/test_golden_outputs.py --update

The fingerprint hashes each column's name, dtype and raw bytes, so it notices a change in the last
bit of any value, a renamed or reordered column, or a changed row order.

The last bits can depend on the machine as well as on the code: the fingerprints recorded on an
earlier machine did not match on an AMD EPYC without AVX-512 (same code and seeds; pandas 3.0.6
and numpy 2.4.6 instead of 3.1.1 and 2.5.5 did not restore them, and a run without eradication
differed only in its country table). A likely cause is numpy computing exp, log and powers of
arrays with its own AVX-512 kernels where the CPU has them and with the C library's elsewhere.
So fingerprints are recorded per kind of CPU (:func:`cpu_kind`: the architecture and the widest
vector instructions numpy dispatches to); on a kind with no entry the comparison is skipped, saying
so, rather than failing on code that did not change. ``--update`` (after a deliberate change of
behaviour) records this machine's entry and drops the others, which the change made stale;
``--add-kind`` (code unchanged, a machine of another kind) adds or replaces this machine's entry
and keeps the others. The entry in the repository is from the AMD
EPYC machines (AVX2, no AVX-512) the project runs and tests on.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import BalloonModel, load_scenario

GOLDEN = Path(__file__).with_name("golden_fingerprints.json")
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
# Policy and history scenarios whose runs visit every mechanism: eradication of each method,
# migration, entry, trafficker relocation, events and armed groups.
CASES = ("baseline", "plan_colombia", "bolivia_plan_dignidad", "sinaloa_enters_vrae",
         "andes_history_calibrated")  # fmt: skip
SEEDS = (1, 2)
TABLES = ("regions", "countries", "system", "traffickers")
# Quick runs: 1 simulated household per 200 real ones (the shipped files use 1 per 50-100).
SCALE = "households.scale=0.005"


def table_fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 over every column's name, dtype and values (strings as UTF-8, numbers as bytes)."""
    digest = hashlib.sha256()
    for name in table.columns:
        column = table[name]
        digest.update(f"{name}:{column.dtype};".encode())
        values = column.to_numpy()
        if values.dtype == object:
            digest.update("\x1f".join(map(str, values)).encode())
        else:
            digest.update(np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()[:20]


def fingerprints(case: str, seed: int) -> dict[str, str]:
    """Fingerprints of the four tables of one run of a shipped scenario."""
    scenario = load_scenario(SCENARIOS / f"{case}.yaml", [SCALE])
    model = BalloonModel(scenario, rng=seed).run()
    tables = {
        "regions": model.regions,
        "countries": model.countries,
        "system": model.system,
        "traffickers": model.trafficker_table,
    }
    return {name: table_fingerprint(tables[name]) for name in TABLES}


def cpu_kind() -> str:
    """The architecture and the widest vector instructions numpy uses here, e.g. ``x86_64-avx2``."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features

    widest = next((name for name in ("AVX512F", "AVX2") if features.get(name)), "baseline")
    return f"{platform.machine()}-{widest.removesuffix('F').lower()}"


def recorded(kind: str | None = None) -> dict:
    """The fingerprints recorded on this kind of CPU (or on ``kind``); empty if none were."""
    return json.loads(GOLDEN.read_text(encoding="utf-8")).get(kind or cpu_kind(), {})


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", CASES)
def test_outputs_match_the_golden_fingerprints(case, seed):
    if not recorded():
        pytest.skip(f"no golden fingerprints recorded on this kind of CPU ({cpu_kind()}): record "
                    "them here (python tests/test_golden_outputs.py --add-kind) before trusting a "
                    "refactoring to this test")  # fmt: skip
    expected = recorded()[f"{case}/seed{seed}"]
    changed = {
        name: value for name, value in fingerprints(case, seed).items() if value != expected[name]
    }
    assert not changed, (
        f"{case}, seed {seed}: tables {sorted(changed)} differ from the golden outputs. "
        "A refactoring must not change them; a deliberate change of behaviour updates them "
        "(python tests/test_golden_outputs.py --update) in its own commit that says why."
    )


def test_the_fingerprint_notices_the_last_bit_of_a_value():
    table = pd.DataFrame({"region": ["a", "b"], "hectares": [1.0, 2.0]})
    nudged = table.assign(hectares=[1.0, np.nextafter(2.0, 3.0)])
    renamed = table.rename(columns={"hectares": "ha"})
    assert table_fingerprint(table) == table_fingerprint(table.copy())
    assert table_fingerprint(nudged) != table_fingerprint(table)
    assert table_fingerprint(renamed) != table_fingerprint(table)
    assert table_fingerprint(table.iloc[::-1]) != table_fingerprint(table)


def test_every_case_and_seed_is_recorded_for_every_kind_of_cpu():
    every = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert "x86_64-avx2" in every  # the machines the project runs and tests on
    for table in every.values():
        assert set(table) == {f"{case}/seed{seed}" for case in CASES for seed in SEEDS}


def test_the_cpu_kind_names_the_architecture_and_vector_width():
    assert cpu_kind().startswith(platform.machine() + "-")
    assert cpu_kind().rsplit("-", 1)[1] in {"avx512", "avx2", "baseline"}


if __name__ == "__main__":
    if sys.argv[1:] not in (["--update"], ["--add-kind"]):
        sys.exit("usage: python tests/test_golden_outputs.py --update | --add-kind")
    table = {f"{case}/seed{seed}": fingerprints(case, seed) for case in CASES for seed in SEEDS}
    keep = sys.argv[1] == "--add-kind" and GOLDEN.exists()
    every = json.loads(GOLDEN.read_text(encoding="utf-8")) if keep else {}
    every[cpu_kind()] = table
    GOLDEN.write_text(json.dumps(every, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(table)} fingerprints for {cpu_kind()} to {GOLDEN}")
