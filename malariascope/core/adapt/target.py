"""Where an adapted model may be written: checked before the work, and again on writing.

An adapted model goes beside its base model's folder, never into it, into the bundled models
or over files of its names that are not an adapted model's; and never among its own inputs
(a reviewed report's images among them, known once the report is read).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from malariascope.core.adapt.loading import ADAPTED, find_base_file
from malariascope.core.adapt.reports import ReviewedReport
from malariascope.core.adapt.sources import Source
from malariascope.core.atomic import temp_beside, why
from malariascope.core.errors import AdaptationError, ModelExistsError, NotAdaptedModelError
from malariascope.core.modelcard import CARD_NAME, ModelCard
from malariascope.core.modelfiles import bundled_dir
from malariascope.core.targets import inside, refuse_inputs

README = "README.md"  #: the adapted model's card for people, beside its model-card.json


def check_target(out_dir: str | os.PathLike[str], base: ModelCard,
                 overwrite: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Refuse a folder the model adapted from ``base`` cannot go to, before any work: a file,
    the base model's own folder or one inside it or the bundled models, one holding a model
    (unless ``overwrite``), a source folder of the ``inputs`` (sources, annotations) or one
    inside it, or a source file's folder, one of the ``inputs`` under the model's names, or
    one from which the base's ONNX file would not be found (see ``loading``)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise AdaptationError(f"{out_dir} is a file: name a folder for the adapted model")
    inputs = list(inputs)
    for name in (CARD_NAME, README):
        refuse_inputs(out_dir / name, inputs, "the adapted model")
    if out_dir.resolve() == base.path.parent.resolve():
        raise AdaptationError(f"{out_dir} holds the base model; an adapted model is written "
                              "beside it, never over it")
    for models in (base.path.parent, bundled_dir()):  # replaced whole by an install
        if models.resolve() in out_dir.resolve().parents:
            raise AdaptationError(f"{out_dir} is inside the models folder {models}; an "
                                  "adapted model is written beside it, never in it")
    _refuse_sources(out_dir, inputs)
    existing = [name for name in (CARD_NAME, README) if (out_dir / name).exists()]
    if existing and not overwrite:
        raise ModelExistsError(out_dir, existing)
    if existing and not _holds_adapted_model(out_dir):
        raise NotAdaptedModelError(f"{out_dir} holds {', '.join(existing)} of something other "
                                   "than an adapted model, which is never replaced: choose "
                                   "another folder")
    entry = base.files["onnx"]
    if find_base_file(out_dir, entry.name, entry.sha256) is None:
        raise AdaptationError(f"a model in {out_dir} would not find its base model "
                              f"{base.path.parent / entry.name}: choose a folder beside "
                              "the base model's folder")
    _refuse_unwritable(out_dir)


def check_images(out_dir: str | os.PathLike[str], sources: Iterable[Source]) -> None:
    """Refuse a folder holding an image that a reviewed report among ``sources`` names, as
    soon as the report is read (here, once for the adaptation): only then are its images
    known. :func:`check_target` refuses the report's own folder before."""
    target = Path(out_dir).resolve()
    for source in sources:
        if not isinstance(source, ReviewedReport):
            continue
        for image in source.images():
            if image.resolve().parent == target:
                raise AdaptationError(f"{out_dir} holds {image.name}, an image of the report "
                                      f"{source.path}; an adapted model is written beside the "
                                      "lab's cells, never among them")


def _holds_adapted_model(folder: Path) -> bool:
    """True when ``folder``'s card is an adapted model's, which ``overwrite`` may replace."""
    try:
        card = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # absent, unreadable, not JSON (UnicodeDecodeError too)
        return False
    return isinstance(card, dict) and isinstance(card.get(ADAPTED), dict)


def _refuse_unwritable(out_dir: Path) -> None:
    """Refuse ``out_dir`` when a file cannot be made in it, or in the folder it would be made
    in (a read-only disk or share, a file on its way), by making one and removing it."""
    place = next(path for path in (out_dir, *out_dir.absolute().parents) if path.exists())
    if not place.is_dir():
        raise AdaptationError(f"{place} is a file: name a folder for the adapted model")
    try:
        temp_beside(place / CARD_NAME).unlink()
    except OSError as exc:
        raise AdaptationError(f"cannot write the adapted model to {out_dir}: {why(exc)}"
                              ) from exc


def _refuse_sources(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse ``out_dir`` among the lab's own files: a source folder or a folder inside it,
    or the folder of a source file (a report, annotations). Below a report's folder is
    allowed: a report is often written in the folder a lab works from."""
    target = out_dir.resolve()
    for given in inputs:
        if given.is_dir() and inside(out_dir, given):
            where = "the source folder" if given.resolve() == target else "inside the source folder"
        elif given.is_file() and given.resolve().parent == target:
            where = "the folder of the source"
        else:
            continue
        raise AdaptationError(f"{out_dir} is {where} {given}; an adapted model is written "
                              "beside the lab's cells, never among them")
