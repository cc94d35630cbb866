"""How an adapted model's card loads: its seal is checked and its base file found by hash.

An adapted model folder holds only ``model-card.json`` and ``README.md``. The card lists the
base model's ONNX file in ``files`` by its plain name and sha256, as any card lists a file in
its own folder; the bytes need not be there. When they are not, :func:`read_base_file` looks
for a file of that name whose sha256 matches in a few fixed places: the bundled models
folder, the folder ``MALARIASCOPE_MODELS`` names, and the folders beside the adapted one
(where a lab keeps its models side by side). The hash pins the file, so finding it elsewhere
changes nothing of what runs, and the card can never point at a path. Each candidate is read
once: the bytes whose hash matched are the bytes run. :func:`base_inputs` names every file
loading may read (base files and cards in those places), by name only, for outputs to spare.

The card is sealed: ``adapted.seal`` is the sha256 of the rest of the card, so an edit after
adaptation (a threshold moved by hand, another head pasted in) makes the folder refuse to
load, as a changed model file does. ``core.adapt.basecard`` calls :func:`check_seal` and
``core.modelcard`` :func:`read_base_file` for cards with an :data:`ADAPTED` block.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from malariascope.core.errors import ModelError
from malariascope.core.modelfiles import (
    CARD_NAME,
    MAX_MODEL_BYTES,
    bundled_dir,
    models_dir,
    read_regular_file,
)

ADAPTED = "adapted"  #: the card key that marks an adapted model and holds its facts


def seal_of(data: dict) -> str:
    """sha256 of the card without its seal, in a canonical JSON form."""
    unsealed = {**data, ADAPTED: {k: v for k, v in data[ADAPTED].items() if k != "seal"}}
    text = json.dumps(unsealed, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_seal(card_path: Path, data: dict) -> None:
    """Refuse an adapted card edited after adaptation."""
    try:
        intact = seal_of(data) == data[ADAPTED].get("seal")
    except (AttributeError, TypeError, ValueError):  # not a dict; NaN from a hand edit
        intact = False
    if not intact:
        raise ModelError(f"the adapted model card {card_path} was changed after adaptation "
                         "(its seal does not match): adapt again, or use the base model")


def base_file_places(card_folder: Path) -> list[Path]:
    """The folders an adapted card's base file is looked for in, in order."""
    card_folder = card_folder.resolve()
    places = [card_folder, bundled_dir().resolve(), models_dir().resolve()]
    parent = card_folder.parent
    if parent.is_dir():
        places += sorted(p for p in parent.iterdir() if p.is_dir() and p != card_folder)
    unique: list[Path] = []
    for place in places:
        if place not in unique:
            unique.append(place)
    return unique


def base_inputs(card_folder: Path, names: Iterable[str]) -> list[Path]:
    """The files loading the adapted card in ``card_folder`` may read, named without reading
    any: in each of :func:`base_file_places`, the model card (its base's card is looked for
    among them) and each file called one of ``names``, the card's model files (its base
    file is looked for among them)."""
    return [place / name for place in base_file_places(card_folder)
            for name in (CARD_NAME, *names) if (place / name).is_file()]


def find_base_file(card_folder: Path, name: str, sha256: str) -> tuple[Path, bytes] | None:
    """The file called ``name`` with this ``sha256`` in the first of
    :func:`base_file_places` that holds it, and its bytes, or None. Each candidate is read
    and hashed once, so the bytes that matched are the bytes a backend runs."""
    for place in base_file_places(card_folder):
        candidate = place / name
        if not candidate.is_file():
            continue
        with contextlib.suppress(ModelError, FileNotFoundError):  # unreadable: not the base's
            data = read_regular_file(candidate, MAX_MODEL_BYTES, "model file")
            if hashlib.sha256(data).hexdigest() == sha256:
                return candidate, data
    return None


def read_base_file(card_folder: Path, name: str, sha256: str, base: dict) -> tuple[Path, bytes]:
    """Where the base model file ``name`` (``sha256``) of the adapted card in
    ``card_folder`` lies, and its bytes; ModelError, naming the ``base`` model, when nowhere."""
    found = find_base_file(card_folder, name, sha256)
    if found is None:
        raise ModelError(
            f"the base model {base.get('name', '?')} {base.get('version', '')} "
            f"({name}, sha256 {sha256[:12]}...) this adapted model was made from is neither "
            f"in {card_folder}, the bundled models, nor a folder beside it: keep the adapted "
            "folder beside its base model's folder")
    return found
