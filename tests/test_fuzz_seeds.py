"""The fuzzer's seed of every reader is read cleanly (no error), so a fuzzing run starts from
inputs that reach deep into each reader rather than failing at the door."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz.__main__ import damage, damage_member, outcome
from fuzz.seeds import SEEDS


@pytest.mark.parametrize("reader", sorted(SEEDS))
def test_each_seed_is_read_and_its_mutants_never_crash(tmp_path: Path, reader: str) -> None:
    import random

    build, suffix, zipped = SEEDS[reader]
    path = tmp_path / f"seed{suffix}"
    path.write_bytes(build())
    signature, _ = outcome(reader, path)
    assert not signature.startswith("CRASH")
    if reader == "access-log":
        assert signature == "hits:5"  # the exposed file's requests are found
    else:
        assert signature != "rules:" and "SG9" not in signature  # something personal found, no error
    rng = random.Random(7)
    for _ in range(15):  # a few seeded mutants, as the fuzzer makes them
        data = damage_member(build(), rng) if zipped else damage(build(), rng)
        path.write_bytes(data)
        assert not outcome(reader, path)[0].startswith("CRASH")
