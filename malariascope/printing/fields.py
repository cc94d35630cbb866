"""The printed report's table of whole fields: a line a field, with its cells counted,
parasitized and uncertain and its parasitemia, as the summary CSV gives them.

Qt-free, as :mod:`malariascope.printing.content`, which puts the table in its section. The
table comes in parts of :data:`LINES_PER_PART` fields (fewer where the PDF finds long
names make a part taller than a page), each a table of its own with its
heading row, so the PDF's pagination moves a part whole to the next page and no page holds
a part without its column names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from malariascope.core.adapt.learned import LEARNED_TEXT
from malariascope.core.tally import Counts
from malariascope.printing.bidi import isolated_html
from malariascope.printing.counts import ALERT

LINES_PER_PART = 25  # fields a part: under a page while names take at most two lines each
NAME_MAX = 48  # characters of a file's name printed (a field's, a cell's): its end
_WORD_JOINER = "\u2060"  # invisible; no line breaks beside it
_WIDTHS = (44, 14, 14, 14, 14)  # percent of the line: name, cells, parasitized, uncertain, %
_HEADINGS = ("Field", "Cells counted", "Parasitized", "Uncertain", "Parasitemia %")


@dataclass(frozen=True)
class FieldLine:
    """A whole field as the report lists it: its file's name as the window names it, and
    its final calls (after review)."""

    name: str
    cells: int  # red cells called in the field
    parasitized: int
    uncertain: int
    percent: str  # the field's parasitemia as the summary CSV writes it; '' without a cell
    learned: bool = False  # the model learned from this field's image in adaptation

    @classmethod
    def of(cls, name: str, counts: Counts, learned: bool = False) -> FieldLine:
        return cls(name, counts.classified, counts.parasitized, counts.uncertain,
                   counts.percent_text(2), learned)


def field_tables(lines: Sequence[FieldLine], per_part: int) -> list[str]:
    """The table of ``lines`` as HTML, in parts of ``per_part`` lines ([] for none)."""
    return [_table(lines[start:start + per_part]) for start in range(0, len(lines), per_part)]


def _table(lines: Sequence[FieldLine]) -> str:
    head = "".join(_cell(f'<span style="color:#555">{heading}</span>', width, column)
                   for column, (heading, width) in enumerate(zip(_HEADINGS, _WIDTHS,
                                                                 strict=True)))
    rows = "".join(f"<tr>{_line(line)}</tr>" for line in lines)
    return (f'<table width="100%" cellspacing="0" cellpadding="2"><tr>{head}</tr>{rows}'
            "</table>")


def _line(line: FieldLine) -> str:
    name = isolated_html(short_name(line.name))
    if line.learned:
        name += f'<br><span style="color:{ALERT}">{LEARNED_TEXT}</span>'
    values = (name, f"{line.cells:,}", f"{line.parasitized:,}",
              f"{line.uncertain:,}", line.percent or "none")
    return "".join(_cell(value, width, column)
                   for column, (value, width) in enumerate(zip(values, _WIDTHS, strict=True)))


def _cell(value: str, width: int, column: int) -> str:
    """A cell of the table: the name to the left, the figures to the right."""
    align = "left" if column == 0 else "right"
    return f'<td width="{width}%" align="{align}">{value}</td>'


def short_name(name: str) -> str:
    """``name`` cut at the left to :data:`NAME_MAX` characters: whole, as a rule (an image
    file's name, a field's and its cell's number), so that no two files print alike. Its
    "…" and the end of a folder's name cut with it are joined to the text after them, so
    that a wrapped name never leaves them on a line alone."""
    if len(name) <= NAME_MAX:
        return name
    return f"…{_WORD_JOINER}{name[-(NAME_MAX - 1):].replace('/', '/' + _WORD_JOINER)}"
