"""The incident report as Markdown or HTML: timeline, counts, risk of harm with its reasons,
downloader table, removal holds, audit trail — and downloads over time as a small SVG bar chart
(one bar per hour of the exposure window), drawn here: no charting library, nothing fetched.
The HTML page is a Jinja2 template with autoescaping (templates/report.html.j2)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any


def _hours(data: dict[str, Any]) -> list[tuple[str, int]]:
    start = data["timeline"]["published"]
    if not start:
        return []
    t0 = dt.datetime.fromisoformat(start)
    end = dt.datetime.fromisoformat(data["timeline"]["removed"]) if data["timeline"]["removed"] else None
    counts: Counter[int] = Counter()
    for d in data["downloaders"]:
        counts[int((dt.datetime.fromisoformat(d["first"]) - t0).total_seconds() // 3600)] += 1
    last = max([*counts, int(((end - t0).total_seconds()) // 3600) if end else 0])
    return [(f"+{h}h", counts.get(h, 0)) for h in range(last + 1)]


def svg_chart(bars: list[tuple[str, int]]) -> str:
    if not bars:
        return ""
    width, height, pad = 60 * len(bars) + 40, 180, 30
    top = max(n for _, n in bars) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="First downloads per hour of exposure">']
    for i, (label, n) in enumerate(bars):
        h = (height - 2 * pad) * n / top
        x = 30 + i * 60
        parts.append(f'<rect x="{x}" y="{height - pad - h:.1f}" width="40" height="{h:.1f}" fill="#b22222"/>')
        parts.append(f'<text x="{x + 20}" y="{height - 10}" font-size="11" text-anchor="middle">{label}</text>')
        parts.append(f'<text x="{x + 20}" y="{height - pad - h - 4:.1f}" font-size="11" '
                     f'text-anchor="middle">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def markdown(data: dict[str, Any]) -> str:
    t, inc, risk = data["timeline"], data["incident"], data["risk"]
    lines = [f"# Incident {inc['id']}: {inc['name']}", "",
             f"File `{inc['file']}` (SHA-256 `{inc['file_sha256'][:16]}…`), published at {', '.join(inc['urls'])}.", "",
             "## Timeline", "", "| event | time (UTC) |", "|---|---|"]
    for key, label in (("published", "published"), ("first_external_download", "first outside download"),
                       ("discovered", "discovered"), ("removed", "removed")):
        lines.append(f"| {label} | {t[key] or '—'} |")
    lines += ["", f"Exposure: {t['exposure_hours']} hours.", "", "## Who was exposed", "",
              f"**{data['affected']:,}** people. Fields exposed: " +
              ", ".join(f"{k} ({v:,})" for k, v in data["fields"].items()) + ".", "",
              f"## Risk of harm: {risk['level']}" + (" — major incident" if risk["major_incident"] else ""), ""]
    lines += [f"- {r}" for r in risk["reasons"]]
    lines += ["", "## Downloaders", "", "| client | organisation | kind | first | requests | bytes | full copy |",
              "|---|---|---|---|---|---|---|"]
    for d in data["downloaders"]:
        lines.append(f"| {d['client']} | {d['organisation'] or ''} | {d['kind']} | {d['first']} | {d['requests']} | "
                     f"{'not logged' if d['bytes'] is None else format(d['bytes'], ',')} | "
                     f"{'yes' if d['full_copy'] else 'no'} |")
    lines += ["", "## Removal holds", "", "| status | people |", "|---|---|"]
    lines += [f"| {k} | {v:,} |" for k, v in data["holds"].items()]
    lines += ["", "## Audit trail", ""] + [f"- {a['at']} {a['actor']}: {a['action']}" for a in data["audit"]]
    return "\n".join(lines) + "\n"


_EVENTS = (("published", "published"), ("first_external_download", "first outside download"),
           ("discovered", "discovered"), ("removed", "removed"))


def html_page(data: dict[str, Any]) -> str:
    """The report as one HTML page, from a Jinja2 template with autoescaping: every value that
    came from a log, a roster or a user (user agents, organisations, names, reasons, URLs) is
    text, never markup. The chart is drawn here from numbers only."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html", "html.j2"]))
    template = env.get_template("report.html.j2")
    return template.render(inc=data["incident"], t=data["timeline"], events=_EVENTS, affected=data["affected"],
                           fields=data["fields"], risk=data["risk"], downloaders=data["downloaders"],
                           holds=data["holds"], audit=data["audit"],
                           chart=Markup(svg_chart(_hours(data)))) + "\n"  # the chart: numbers and "+Nh" labels only
