"""The bundled model card and cards changed from it, for the model card's tests (the
``models`` fixture, a copy of the bundled model folder, is in ``conftest``)."""

from __future__ import annotations

import json
from pathlib import Path

from malariascope.core.modelcard import CARD_NAME
from malariascope.core.modelfiles import bundled_dir

BUNDLED = bundled_dir()


def bundled_card() -> dict:
    return json.loads((BUNDLED / CARD_NAME).read_text(encoding="utf-8"))


def write_card(folder: Path, card: object) -> Path:
    path = folder / CARD_NAME
    path.write_text(json.dumps(card), encoding="utf-8")
    return path


def changed(**values) -> dict:
    """The bundled card with ``values`` set (a dotted name sets a value inside an object)."""
    card = bundled_card()
    for name, value in values.items():
        *outer, key = name.split("__")
        inner = card
        for part in outer:
            inner = inner[part]
        inner[key] = value
    return card
