"""``make fuzz`` (``python -m fuzz [--seconds S] [--readers a,b] [--out DIR]``): a mutational
fuzzer per reader, seeded from the generators the tests use (``fuzz/seeds.py``).

Each round takes the seed or an earlier interesting input (one that ended differently: another
rule, another set of errors), damages it — byte flips, cuts, duplicated runs, stray markup; inside
one member of a zip container for the zip-based formats, so the damage reaches the XML parsers
rather than stopping at the zip's checksum — and scans it in this process. A *crash* is any
exception escaping ``scan``, an SG909 (internal error: an exception spillguard did not expect), or
one input taking longer than ``SLOW`` seconds. Crashing inputs are written to ``--out``
(``fuzz/crashes/`` by default) for a regression test; the run prints, per reader, executions,
distinct outcomes and crashes. Seeded (``--seed``), so a run can be repeated."""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from fuzz.seeds import SEEDS

INSERTS = [b"<", b">", b'"', b"&", b"<x>", b"</r>", b"999999999", b"-1", b"\xff\xfe", b"\x00", b"\n", b",",
           b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"obj", b"endobj", b"stream", b"/Length 99999999", b"{", b"[",
           b"\\u0000", b"%", b"\xe2\x80", b"A212345678"]
SLOW = 20.0


def damage(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not out:
            break
        pos, op = rng.randrange(len(out)), rng.random()
        if op < 0.35:
            out[pos] = rng.randrange(256)
        elif op < 0.6:
            del out[pos:pos + rng.randint(1, 64)]
        elif op < 0.8:
            out[pos:pos] = rng.choice(INSERTS)
        else:
            end = min(len(out), pos + rng.randint(1, 256))
            out[pos:pos] = out[pos:end] * rng.randint(2, 8)
    return bytes(out)


def damage_member(package: bytes, rng: random.Random) -> bytes:
    try:
        src = zipfile.ZipFile(io.BytesIO(package))
        parts = {n: src.read(n) for n in src.namelist()}
    except Exception:  # already broken at the zip level: damage the bytes
        return damage(package, rng)
    if not parts or rng.random() < 0.15:
        return damage(package, rng)
    name = rng.choice(sorted(parts))
    parts[name] = damage(parts[name], rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part, body in parts.items():
            z.writestr(part, body)
    return out.getvalue()


def outcome(reader: str, path: Path) -> tuple[str, float]:
    """What the reader made of the input: a short signature, or a crash description."""
    started = time.perf_counter()
    if reader == "access-log":
        from spillguard.respond.logs import hits

        found = sum(1 for _ in hits([path], {"/stats/FY24.xlsx"}))
        return f"hits:{min(found, 5)}", time.perf_counter() - started
    from spillguard import scan

    report = scan([path])
    seconds = time.perf_counter() - started
    if any(e.rule == "SG909" for e in report.errors):
        return "CRASH SG909 " + "; ".join(e.reason for e in report.errors if e.rule == "SG909"), seconds
    rules = sorted({f.rule for f in report.findings})
    return "rules:" + ",".join(rules), seconds


def fuzz(reader: str, seconds: float, out: Path, seed: int) -> tuple[int, int, int]:
    build, suffix, zipped = SEEDS[reader]
    rng = random.Random(seed)
    corpus = [build()]
    seen: set[str] = set()
    executions = crashes = 0
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="spillguard-fuzz-") as tmp:
        path = Path(tmp) / f"input{suffix}"
        while time.monotonic() < deadline:
            parent = rng.choice(corpus)
            data = damage_member(parent, rng) if zipped else damage(parent, rng)
            path.write_bytes(data)
            try:
                signature, took = outcome(reader, path)
            except Exception as exc:  # anything escaping the library is a crash
                signature, took = f"CRASH exception {type(exc).__name__}: {str(exc)[:200]}", 0.0
            if took > SLOW:
                signature = f"CRASH slow {took:.0f} s"
            executions += 1
            if signature.startswith("CRASH"):
                crashes += 1
                out.mkdir(parents=True, exist_ok=True)
                name = f"{reader}-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
                (out / name).write_bytes(data)
                print(f"  {reader}: {signature} → {out / name}", flush=True)
            elif signature not in seen:
                seen.add(signature)
                corpus.append(data)
                del corpus[:-64]  # a bounded pool of interesting inputs
    return executions, len(seen), crashes


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per reader")
    parser.add_argument("--readers", default=",".join(SEEDS), help=f"comma-separated, of: {', '.join(SEEDS)}")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "crashes")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    total = 0
    print(f"{'reader':<11} {'executions':>10} {'exec/s':>7} {'outcomes':>8} {'crashes':>7}")
    for reader in args.readers.split(","):
        started = time.monotonic()
        executions, outcomes, crashes = fuzz(reader, args.seconds, args.out, args.seed)
        rate = executions / max(time.monotonic() - started, 1e-9)
        print(f"{reader:<11} {executions:>10,} {rate:>7.1f} {outcomes:>8} {crashes:>7}", flush=True)
        total += crashes
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
