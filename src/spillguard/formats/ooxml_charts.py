"""Native charts of Word and PowerPoint files (``word/charts/chartN.xml``, ``ppt/charts/…``).

A chart part is a cache: it repeats the series names, categories and values of the workbook
embedded beside it (which is scanned as an embedded file of its own) so that the chart can be
drawn without it. Its values are read like an xlsx chart cache, as one table per chart
(categories and one column per series), and its titles and user shapes as text. A chart that a
page or slide draws shows what it caches: its content is visible; a chart part that nothing
draws any more (a deleted chart left in the package) is a chart cache, hidden.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from spillguard.formats.cells import frame
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.ooxml_package import matching
from spillguard.model import Content, Location, Notice, Table, Text, Visibility
from spillguard.rules import RULES

#: chart parts (classic DrawingML charts and Office 2016 chartEx)
_CHART = r"{folder}charts/chart(Ex)?\d*\.xml"
#: parts beside a chart that hold no data: its style and colour presets
STYLE = r"{folder}charts/(style|colors)\d*\.xml"


def _drawn(z: SafeZip) -> set[str]:
    """Every part some other part's relationships point to."""
    targets: set[str] = set()
    for rels in (n for n in z.names if n.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels))
        owner = posixpath.join(folder, posixpath.basename(rels)[: -len(".rels")])
        if posixpath.basename(folder) == "charts":
            continue  # a chart's own relationships (its workbook, its style) draw nothing
        targets.update(target for _, target in z.rels(owner).values())
    return targets


def _points(node: object) -> dict[int, str]:
    out: dict[int, str] = {}
    for pt in node.iter("{*}pt"):  # type: ignore[attr-defined]
        v = next((c for c in pt if local(c.tag) == "v"), None)
        if v is not None and v.text is not None:
            try:
                out[int(pt.get("idx", len(out)))] = v.text
            except ValueError:
                continue
    return out


def _series(root: object) -> tuple[list[str], dict[int, str], list[dict[int, str]]]:
    """(series names, categories by index, values by index per series) of a classic chart."""
    names: list[str] = []
    categories: dict[int, str] = {}
    values: list[dict[int, str]] = []
    for ser in root.iter("{*}ser"):  # type: ignore[attr-defined]
        parts = {local(c.tag): c for c in ser}
        tx = parts.get("tx")
        name = " ".join(_points(tx).values()) if tx is not None else ""
        if tx is not None and not name:
            name = " ".join(t.text or "" for t in tx.iter("{*}v")).strip()
        cat = parts.get("cat") if parts.get("cat") is not None else parts.get("xVal")
        val = parts.get("val") if parts.get("val") is not None else parts.get("yVal")
        if cat is not None:
            for k, v in _points(cat).items():
                categories.setdefault(k, v)
        names.append(name or f"series {len(names) + 1}")
        values.append(_points(val) if val is not None else {})
    return names, categories, values


def _dimensions(root: object) -> tuple[list[str], dict[int, str], list[dict[int, str]]]:
    """The same for a chartEx part (``cx:strDim`` categories, ``cx:numDim`` values)."""
    categories: dict[int, str] = {}
    names: list[str] = []
    values: list[dict[int, str]] = []
    for dim in root.iter("{*}strDim"):  # type: ignore[attr-defined]
        for k, v in _points(dim).items():
            categories.setdefault(k, v)
    for dim in root.iter("{*}numDim"):  # type: ignore[attr-defined]
        names.append(dim.get("type") or f"series {len(names) + 1}")
        values.append(_points(dim))
    return names, categories, values


def _titles(root: object) -> list[str]:
    out = []
    for title in root.iter("{*}title"):  # type: ignore[attr-defined]
        words = " ".join(t.text for t in title.iter("{*}t", "{*}v") if t.text)
        if words.strip():
            out.append(words.strip())
    return out


def read(z: SafeZip, folder: str, loc: Location, handled: set[str]) -> Iterator[Content]:
    """Each chart under ``folder`` (``word/``, ``ppt/``): its cached table and its titles."""
    handled.update(matching(z, STYLE.format(folder=re.escape(folder))))
    parts = sorted(matching(z, _CHART.format(folder=re.escape(folder))))
    if not parts:
        return
    drawn = _drawn(z)
    for part in parts:
        handled.add(part)
        root = z.xml(part)
        vis = Visibility.VISIBLE if part in drawn else Visibility.CHART_CACHE
        where = loc.with_(part=part)
        names, categories, values = (_dimensions if "chartEx" in part else _series)(root)
        titles = _titles(root)
        if titles:
            yield Text(where, vis, "\n".join(titles), label="chart titles")
        length = max([max(categories, default=-1) + 1] + [max(v, default=-1) + 1 for v in values])
        if length > 0:
            headers = ["Category", *names]
            rows = [[categories.get(i), *(v.get(i) for v in values)] for i in range(length)]
            note = None if vis is Visibility.VISIBLE else "a chart part that no page draws"
            yield Table(where, vis, headers, iter([frame(rows, len(headers))]), note=note)
            if vis is Visibility.VISIBLE:
                # the chart draws its cache: judged in plain view above; the cache itself is still
                # listed, so the publisher sees every place values travel
                yield Notice("SG109", f"A chart caches the {length:,} rows it draws", where, Visibility.CHART_CACHE,
                             "the cache repeats the chart's embedded workbook; both travel with the file",
                             severity=RULES["SG109"].severity("repeats visible cells"))
        for _, target in z.rels(part).values():
            if z.has(target) and "/drawings/" in target and target.endswith(".xml"):
                handled.add(target)  # shapes drawn over the chart (c:userShapes)
                text = "\n".join(t.text for t in z.xml(target).iter("{*}t") if t.text)
                if text.strip():
                    yield Text(loc.with_(part=target), vis, text, label="shapes drawn on a chart")
