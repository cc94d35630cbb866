"""Reader annotations of whole fields (IML-Malaria layout): one box and type per cell.

```json
[{"image_name": "PA171710.JPG",
  "objects": [{"type": "red blood cell", "bbox": {"x": "176", "y": "250", "h": "78", "w": "82"}}]}]
```

Types: ``red blood cell`` is uninfected; ``ring``, ``trophozoite``, ``schizont`` and
``gametocyte`` are parasitized; ``difficult`` counts neither for nor against. Any other type is
refused, so that a typo cannot silently turn a parasitized cell into a missing one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.errors import DatasetError
from malariascope.core.fields.cells import Box

UNINFECTED_TYPE = "red blood cell"
PARASITIZED_TYPES = frozenset({"ring", "trophozoite", "schizont", "gametocyte"})
DIFFICULT_TYPE = "difficult"
KNOWN_TYPES = PARASITIZED_TYPES | {UNINFECTED_TYPE, DIFFICULT_TYPE}


class AnnotationError(DatasetError):
    """An annotation file is missing, is not JSON, or does not have the expected layout."""


@dataclass(frozen=True)
class AnnotatedCell:
    """One annotated cell: its box in the field and the reader's type."""

    box: Box
    kind: str

    @property
    def difficult(self) -> bool:
        return self.kind == DIFFICULT_TYPE

    @property
    def parasitized(self) -> bool:
        return self.kind in PARASITIZED_TYPES


def load_annotations(path: str | os.PathLike[str]) -> dict[str, list[AnnotatedCell]]:
    """Image file name -> its annotated cells; raises :class:`AnnotationError` with the place."""
    try:  # utf-8-sig: a file saved by Windows Notepad starts with a BOM, which json refuses
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise AnnotationError(f"cannot read annotations {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AnnotationError(f"annotations {path} are not valid JSON: {exc}") from exc
    except RecursionError:  # lists or objects nested thousands deep
        raise AnnotationError(f"annotations {path} are not valid annotation JSON: nested "
                              "too deep") from None
    if not isinstance(data, list):
        raise AnnotationError(f"annotations {path}: expected a list of fields")
    fields: dict[str, list[AnnotatedCell]] = {}
    named: dict[str, str] = {}  # in lower case, as image files are matched
    for i, entry in enumerate(data):
        name, cells = _field(entry, f"{path}: field {i}")
        if name.lower() in named:  # which one is right? Keeping either drops the other silently
            raise AnnotationError(f"{path}: field {i}: {name} is annotated twice "
                                  f"(as {named[name.lower()]} before)")
        fields[name], named[name.lower()] = cells, name
    return fields


def _field(entry: object, where: str) -> tuple[str, list[AnnotatedCell]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("image_name"), str):
        raise AnnotationError(f"{where}: expected an object with 'image_name' and 'objects'")
    objects = entry.get("objects", [])
    if not isinstance(objects, list):
        raise AnnotationError(f"{where}: 'objects' must be a list")
    where = f"{where} ({entry['image_name']})"
    cells = [_cell(obj, f"{where}, object {j}") for j, obj in enumerate(objects)]
    return entry["image_name"], cells


def _cell(obj: object, where: str) -> AnnotatedCell:
    if not isinstance(obj, dict) or not isinstance(obj.get("bbox"), dict):
        raise AnnotationError(f"{where}: expected an object with 'type' and 'bbox'")
    kind = str(obj.get("type", "")).strip().lower()
    if kind not in KNOWN_TYPES:
        raise AnnotationError(f"{where}: unknown type {obj.get('type')!r}; "
                              f"expected one of {', '.join(sorted(KNOWN_TYPES))}")
    try:  # int() refuses NaN (ValueError) and infinity (OverflowError)
        x, y, w, h = (int(float(obj["bbox"][key])) for key in ("x", "y", "w", "h"))
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise AnnotationError(f"{where}: bbox needs numeric x, y, w, h") from exc
    if w <= 0 or h <= 0:
        raise AnnotationError(f"{where}: bbox has no area ({w}x{h})")
    return AnnotatedCell((x, y, w, h), kind)


def check_inside(cells: list[AnnotatedCell], shape: tuple[int, ...]) -> None:
    """Refuse annotations with a box wholly outside their image (``shape``: rows, columns),
    which no crop can be cut from, or reaching farther than the image's own size past an
    edge: they were drawn on another image or with other units. Only that field is refused,
    as an unreadable image is; boxes partly outside are clipped."""
    height, width = shape[:2]
    for j, cell in enumerate(cells):
        x, y, w, h = cell.box
        outside = x >= width or y >= height or x + w <= 0 or y + h <= 0
        too_far = x < -width or y < -height or x + w > 2 * width or y + h > 2 * height
        if outside or too_far:
            raise AnnotationError(f"annotated box {j} {cell.box} lies outside the "
                                  f"{width}x{height} image: are these its annotations?")


def annotated_images(folder: Path, annotations: dict[str, list[AnnotatedCell]]
                     ) -> tuple[list[tuple[Path, list[AnnotatedCell]]], list[str]]:
    """``(image path, cells)`` for each annotated field present in ``folder``, and the absent.

    File names are matched exactly, then ignoring letter case (``.JPG`` vs ``.jpg``). Every
    entry but a folder is present, whatever it is (a pipe, a dangling or looping link):
    reading it tells why it is unreadable, as the batch search has it.
    """
    if not folder.is_dir():
        raise DatasetError(f"not a folder: {folder}")
    files = {p.name: p for p in folder.iterdir() if not p.is_dir()}
    lower = {name.lower(): p for name, p in files.items()}
    found, absent = [], []
    for name in sorted(annotations):
        path = files.get(name) or lower.get(name.lower())
        if path is None:
            absent.append(name)
        else:
            found.append((path, annotations[name]))
    return found, absent
