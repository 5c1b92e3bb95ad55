"""Nested records (parsed JSON, XML turned into dicts) → Tables and Text.

Every array of objects becomes a table whose columns are the objects' leaf paths
(``address.city``), named by its JSON path (``$.detainees[*]``); arrays of objects inside those
records become tables of their own. Strings outside any record array become text, one
``path: value`` line each, so a free-text field is read by the text detectors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl

from spillguard.model import Content, Location, Table, Text, Visibility

#: at most this many columns per table (wider objects are key-value stores, read as text)
MAX_COLUMNS = 500


def contents(value: Any, loc: Location, vis: Visibility, batch_rows: int) -> Iterator[Content]:
    texts: list[str] = []
    tables: list[tuple[str, list[dict[str, Any]]]] = []
    _walk(value, "$", texts, tables)
    for path, rows in tables:
        yield from _table(path, rows, loc, vis, batch_rows)
    if texts:
        yield Text(loc.with_(line=1), vis, "\n".join(texts), None)


def _walk(value: Any, path: str, texts: list[str], tables: list[tuple[str, list[dict[str, Any]]]]) -> None:
    if isinstance(value, list):
        objects = [v for v in value if isinstance(v, dict)]
        if objects and len(objects) >= len(value) / 2:
            tables.append((f"{path}[*]", objects))
            for v in value:
                if not isinstance(v, dict):
                    _walk(v, f"{path}[*]", texts, tables)
            return
        for i, v in enumerate(value):
            _walk(v, f"{path}[{i}]", texts, tables)
    elif isinstance(value, dict):
        for key, v in value.items():
            _walk(v, f"{path}.{key}", texts, tables)
    elif isinstance(value, str) and value.strip():
        texts.append(f"{path}: {value}")


def _flatten(obj: dict[str, Any], prefix: str, out: dict[str, str], nested: dict[str, list[dict[str, Any]]],
             path: str) -> None:
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{name}.", out, nested, path)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            nested.setdefault(f"{path}.{name}[*]", []).extend(value)
        elif isinstance(value, list):
            out[name] = "; ".join("" if v is None else str(v) for v in value)
        elif value is not None:
            out[name] = value if isinstance(value, str) else _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _table(path: str, rows: list[dict[str, Any]], loc: Location, vis: Visibility,
           batch_rows: int) -> Iterator[Content]:
    flat: list[dict[str, str]] = []
    nested: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out: dict[str, str] = {}
        _flatten(row, "", out, nested, path)
        flat.append(out)
    headers: dict[str, None] = {}
    for row in flat:
        for key in row:
            headers.setdefault(key, None)
    names = list(headers)[:MAX_COLUMNS]
    where = loc.with_(range=path)
    if names:
        def batches() -> Iterator[pl.DataFrame]:
            for start in range(0, len(flat), batch_rows):
                chunk = flat[start:start + batch_rows]
                yield pl.DataFrame({f"c{j}": [r.get(h) for r in chunk] for j, h in enumerate(names)},
                                   schema={f"c{j}": pl.Utf8 for j in range(len(names))})
        yield Table(where, vis, names, batches())
    for inner_path, inner_rows in nested.items():
        yield from _table(inner_path, inner_rows, loc, vis, batch_rows)
