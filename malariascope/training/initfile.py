"""The model ``train --init`` fine-tunes, checked without TensorFlow: the command line checks
it before TensorFlow is imported, and a run before it reads the cells."""

from __future__ import annotations

from pathlib import Path

from malariascope.core.errors import CardNotFoundError, ModelError, NotAModelError
from malariascope.core.modelcard import load_card
from malariascope.core.modelfiles import is_card_path

#: What ``--init`` takes, said with each refusal of what it was given.
INIT_TAKES = "--init takes a .keras model with the model-card.json that lists it, or their folder"


def checked_init_file(given: Path) -> Path:
    """The .keras file to fine-tune, opened as the app opens a model: the one the card beside
    ``given`` (a model file, its card or their folder) lists, hash checked. A model file given
    by name must be that one: ``load_card`` refuses a file its card does not list, and the
    card's other file (the .onnx) cannot be fine-tuned."""
    if not given.exists():
        raise ModelError(f"model to fine-tune not found: {given}")
    try:
        path = load_card(given).model_file("keras")
    except NotAModelError:
        raise ModelError(f"cannot fine-tune {given}: not a model file; {INIT_TAKES}") from None
    except CardNotFoundError as exc:
        raise ModelError(f"cannot fine-tune {given}: model card not found ({exc.path}); "
                         f"{INIT_TAKES}") from None
    if given.is_file() and not is_card_path(given) and not given.samefile(path):
        raise ModelError(f"--init fine-tunes a .keras model: give {path.name} (or its folder), "
                         f"not {given.name}")
    return path
