"""Reading reports back as a user's script would: the csv module, UTF-8 with BOM; a PDF reader."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pypdf


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a report, by column name."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_summary(path: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A summary file: the batch's ``key,value`` section, and the table of whole fields that
    follows a blank row (by image path; empty when the batch has no fields)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    blank = lines.index([]) if [] in lines else len(lines)
    batch = dict(lines[1:blank])
    assert lines[0] == ["key", "value"]
    table = lines[blank + 1:]
    fields = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    return batch, fields


def read_pdf(path: Path) -> tuple[pypdf.PdfReader, str, int]:
    """The PDF, its text (words joined by single spaces, ligatures undone) and its images."""
    import pypdf

    reader = pypdf.PdfReader(path)
    text = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages))
    images = 0
    for page in reader.pages:
        objects = page["/Resources"].get("/XObject")
        if objects is not None:
            images += sum(item.get_object()["/Subtype"] == "/Image"
                          for item in objects.get_object().values())
    return reader, " ".join(text.split()), images
