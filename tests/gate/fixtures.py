"""Files for the gate's tests, built in code: a clean aggregate and a leak of the same size."""

from __future__ import annotations

import random

from spillguard.synth.people import people


def clean_csv(rows: int = 12, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    lines = ["Facility,Average daily population"]
    lines += [f"Facility {chr(65 + i)},{rnd.randint(40, 900)}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def leak_csv(rows: int = 40, seed: int = 2022) -> bytes:
    lines = ["Name,A-Number,Birth Date,Country of Citizenship,Facility"]
    lines += [f"{p.name},A{p.a_number},{p.birth.isoformat()},{p.country},{p.facility}"
              for p in people(rows, seed=seed)]
    return ("\n".join(lines) + "\n").encode()


def same_size(clean: bytes, leak: bytes) -> tuple[bytes, bytes]:
    """The two padded with blank lines to one length (an overwrite that keeps the size)."""
    size = max(len(clean), len(leak))
    return clean + b"\n" * (size - len(clean)), leak + b"\n" * (size - len(leak))
