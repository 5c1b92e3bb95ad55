"""``make bench-notices``: the documents of the 2022 incident — 6,252 people — with printable PDFs.

The demo's incident (leaked workbook, case-system roster, web log) is built once and cached in
bench/out/; then ``write_documents`` writes every notice (.txt and one PDF per language), the
attorney letters and the claw-back letters, and is timed. The peer, in the same run: fpdf2 laying
out the same notice texts with its own ``multi_cell`` (what the documents used before), on a
sample of the pages, scaled to all of them. Target (issue 19, item 6): under 30 s.
``python -m bench.notices``
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).parent / "out" / "notices"
TARGET = 30.0
SAMPLE = 300


def build(folder: Path) -> None:
    from rich.console import Console

    from spillguard import demo

    folder.mkdir(parents=True, exist_ok=True)
    leaked = folder / "FY24_Q1_detentionStats.xlsx"
    demo.build_this_quarter(leaked)
    demo.run_incident(folder, leaked, Console(file=open(os.devnull, "w")))  # noqa: SIM115


def main() -> int:
    from spillguard.respond.notices import FONT, write_documents
    from spillguard.respond.store import Store

    os.environ.setdefault("SPILLGUARD_INCIDENT_KEY", "bench-notices-key")
    if not (OUT / "incident.db").is_file():
        print("building the demo incident (cached in bench/out/notices) ...", flush=True)
        build(OUT)
    store = Store(str(OUT / "incident.db"))
    work = Path(tempfile.mkdtemp(prefix="sg-notices-"))
    try:
        start = time.perf_counter()
        written = write_documents(store, None, work, "U.S. Immigration Agency", "Privacy Office, 1-800-555-0100",
                                  today=dt.date(2022, 12, 2), zone=ZoneInfo("America/New_York"),
                                  roster=OUT / "case-system-export.csv")
        ours = time.perf_counter() - start
        notices = sum(written.notices.values())
        pages = [p.read_text(encoding="utf-8") for p in sorted((work / "notices").glob("*-es.txt"))[:SAMPLE]]
        from fpdf import FPDF

        start = time.perf_counter()
        pdf = FPDF(format="Letter")
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=10.5)
        for text in pages:
            pdf.add_page()
            pdf.multi_cell(0, 5.5, text)
        pdf.output(str(work / "peer.pdf"))
        printable = notices - sum(written.notices.get(lang, 0) for lang in written.no_pdf)
        peer = (time.perf_counter() - start) / len(pages) * printable
    finally:
        shutil.rmtree(work, ignore_errors=True)
        store.engine.dispose()
    print(f"\nnotices for the 2022 incident: {notices:,} notices ({printable:,} printable pages), "
          f"{written.attorneys} attorney letters, {written.clawbacks} letters to downloaders, "
          f"{written.worklist} on the interpreter worklist")
    print(f"  spillguard                 {ours:7.2f} s  (text, PDFs, letters, mail merge)")
    print(f"  fpdf2 multi_cell (peer)    {peer:7.2f} s  (the PDF pages alone, {len(pages)} measured, scaled)")
    verdict = "ok" if ours < TARGET else "MISSED"
    print(f"  ratio spillguard/peer: {ours / peer:.2f}x; target < {TARGET:.0f} s: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
