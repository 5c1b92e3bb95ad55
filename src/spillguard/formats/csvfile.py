"""CSV / TSV: encoding and delimiter detected from the head, rows streamed by pyarrow.

Every column is read as text (no type guessing that could drop a value), in record batches
handed to polars without copying. Rows that do not fit the header's width are not dropped:
pyarrow hands them to us and their text is scanned as well.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from spillguard.errors import CorruptFile
from spillguard.formats import csvdialect
from spillguard.formats.base import Context, Source
from spillguard.formats.csvdialect import dialect, sample_rows
from spillguard.model import Content, Location, Table, Text, Visibility

NAME = "csv"
_MAX_RAGGED_KEPT = 10_000


sniff = csvdialect.sniff


def _arrow_encoding(encoding: str) -> str:
    return encoding.replace("-sig", "") if encoding.startswith("utf-8") else encoding


def _has_header(first: list[str]) -> bool:
    """A header row has a distinct, non-empty label in every cell and no value-like cell
    (a number, a date, an identifier: four digits or more)."""
    cells = [c.strip() for c in first]
    return all(cells) and len(set(cells)) == len(cells) and not any(
        c.replace(".", "").replace("-", "").replace("/", "").isdigit()
        or sum(ch.isdigit() for ch in c) >= 4 for c in cells)


def _arrow_reason(exc: Exception) -> str:
    """Arrow's message without the row it quotes ("Expected 3 columns, got 4: <the row>"): a
    reason names the failure, never the data."""
    message = str(exc)
    shape = re.search(r"Expected \d+ columns?, got \d+", message)
    if shape:
        return shape.group(0)
    return "invalid UTF-8" if "UTF8" in message or "UTF-8" in message else type(exc).__name__


def read(source: Source, ctx: Context) -> Iterator[Content]:
    head = source.head(65536)
    found = dialect(head)
    if found is None:
        raise CorruptFile("the delimited text could not be parsed")
    encoding, delim = found
    first = sample_rows(head, encoding, delim)[0]
    header = _has_header(first)
    width = len(first)
    names = [f"c{j}" for j in range(width)]
    ragged: list[str] = []
    undecodable = [0]

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if len(ragged) < _MAX_RAGGED_KEPT:
            ragged.append(row.text or "")
            return "skip"
        return "error"  # too many bad rows: stop rather than skip unseen data

    def unraisable(info: sys.UnraisableHookArgs) -> None:
        # pyarrow decodes a malformed row before it calls the handler; a row that is not valid
        # text never reaches it, the read stops (fail closed) and the decode error would be
        # printed as "Exception ignored": counted here instead, for a plain reason
        if info.object is on_invalid and isinstance(info.exc_value, UnicodeDecodeError):
            undecodable[0] += 1
        else:
            previous(info)

    def failed(exc: Exception) -> CorruptFile:
        if undecodable[0]:
            return CorruptFile("a malformed row is not valid text in the file's encoding")
        return CorruptFile(f"CSV cannot be parsed ({_arrow_reason(exc)})")

    previous = sys.unraisablehook
    try:
        sys.unraisablehook = unraisable  # open_csv reads the first block already
        reader = pacsv.open_csv(
            source.open(),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1 if header else 0,
                                           encoding=_arrow_encoding(encoding),
                                           block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise failed(exc) from None
    finally:
        sys.unraisablehook = previous

    def batches() -> Iterator[pl.DataFrame]:
        try:
            while True:
                sys.unraisablehook = unraisable
                try:
                    batch = reader.read_next_batch()
                finally:
                    sys.unraisablehook = previous
                yield pl.from_arrow(batch)  # type: ignore[misc]
        except StopIteration:
            return
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
            raise failed(exc) from None

    headers = [h.strip().lstrip("\ufeff") for h in first] if header else [""] * width
    yield Table(Location(file=source.name), Visibility.VISIBLE, headers, batches())
    if ragged:
        yield Text(Location(file=source.name), Visibility.VISIBLE, "\n".join(ragged),
                   label=f"{len(ragged)} rows with a different number of fields")
