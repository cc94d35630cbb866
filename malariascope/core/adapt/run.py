"""Adapt a base model to a lab's labelled cells, measure it held out, write the model folder.

:func:`adapt` refuses, with the numbers, too few cells (:data:`MIN_CELLS_PER_CLASS` of each
class from at least :data:`MIN_GROUPS` fields or slides) and an adapted model that does worse
than its base on the held-out fields or slides; nothing is written then. :func:`write_model`
writes the card and its README into a folder, all or none, over an existing adapted model
only when asked, never over other files of those names or in the base model's folder;
``target.check_target`` tells a wrong folder before the work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.adapt.card import adapted_card, adapted_markdown, base_facts
from malariascope.core.adapt.cells import LabelledCells
from malariascope.core.adapt.features import read_sources
from malariascope.core.adapt.fit import STRENGTHS, Calibration, calibrate
from malariascope.core.adapt.learned import LEARNED, learned_list
from malariascope.core.adapt.measure import Figures, fold_count, held_out
from malariascope.core.adapt.reports import ReviewedReport
from malariascope.core.adapt.sources import (
    ANNOTATIONS_NAME,
    AnnotatedFields,
    ClassFolders,
    Source,
    SourceRecord,
)
from malariascope.core.adapt.target import README, check_target
from malariascope.core.adapt.unlike import own_uncertain_limit
from malariascope.core.atomic import output_folder, replace_together, temp_beside, why, write_synced
from malariascope.core.calibration import THRESHOLD_RULE
from malariascope.core.classifier import Classifier
from malariascope.core.errors import (
    AdaptationError,
    DatasetError,
    TooFewCellsError,
    WorseThanBaseError,
)
from malariascope.core.modelcard import CARD_NAME
from malariascope.core.options import CLASS_NAMES
from malariascope.core.tally import PARASITIZED, UNINFECTED
from malariascope.core.words import counted

#: Fewer labelled cells of a class than this cannot move the head reliably, nor measure it.
MIN_CELLS_PER_CLASS = 25
#: Each class must come from this many fields or slides: some are held out to measure.
MIN_GROUPS = 3
#: Held-out AUC may fall this much below the base's before the adaptation counts as worse
#: (the spread of AUC over a few dozen parasitized cells).
AUC_MARGIN = 0.005
Progress = Callable[[str, int, int], None]  # (stage, done, total; total 0 when unknown)


class _Steps:
    """Counts the fits of an adaptation for ``progress``: each prior strength tried in each
    held-out fold (stage ``measuring``), then in the fit on all the cells (``fitting``)."""

    def __init__(self, progress: Progress | None, folds: int) -> None:
        self.progress, self.stage = progress, "measuring"
        self.done, self.total = 0, (folds + 1) * len(STRENGTHS)
        self._report()  # none done yet: the count is known before the first fit ends

    def __call__(self) -> None:
        self.done += 1
        self._report()

    def _report(self) -> None:
        if self.progress:
            self.progress(self.stage, self.done, self.total)


@dataclass(frozen=True)
class Adaptation:
    """A fitted adaptation, measured and accepted, ready to be written."""

    base: Classifier
    calibration: Calibration
    before: Figures
    after: Figures
    cells: dict[str, int]
    groups: int  # fields or slides holding labelled cells
    folds: int  # of the held-out measure
    sources: list[SourceRecord]
    uncertain_limit: float  # for ``unlike.unlike_cells``
    learned: list[str]  # sha256 of the image files learned from (``learned.learned_list``)

    def facts(self) -> dict:
        """What the adapted card keeps of the adaptation, under ``adapted``: its base model,
        cells (and the repeats left out), sources and held-out figures (which ``wording``
        words)."""
        held = {"folds": self.folds, "before": self.before.as_dict(),
                "after": self.after.as_dict()}
        return {"base_model": base_facts(self.base.card), "cells": self.cells,
                "repeated": sum(source.repeated for source in self.sources),
                "groups": self.groups, "prior_strength": self.calibration.strength,
                "threshold_rule": THRESHOLD_RULE,
                "sources": [source.as_dict() for source in self.sources], "held_out": held,
                "uncertain_limit": self.uncertain_limit, LEARNED: self.learned}

    def card(self) -> dict:
        return adapted_card(self.base.card, self.calibration, self.facts())

    @property
    def inputs(self) -> list[Path]:
        """The folders and reports its cells were read from (a case's register is neither)."""
        kinds = (ClassFolders.kind, AnnotatedFields.kind, ReviewedReport.kind)
        return [Path(source.path) for source in self.sources if source.kind in kinds]


def adapt(sources: Sequence[Source], base: str | os.PathLike[str] | None = None,
          progress: Progress | None = None) -> Adaptation:
    """Adapt the ``base`` model (default: the bundled one) to the cells of ``sources``.

    Parameters
    ----------
    sources
        Sources from ``open_source`` (class folders, annotated fields, reviewed
        reports).
    base
        The model to adapt: a folder, card or model file, as ``--model`` takes.
    progress
        Called as ``progress(stage, done, total)`` with stage ``reading`` (cells read, total
        0), then ``measuring`` and ``fitting`` (fitting steps done of all, see ``_Steps``).

    Returns
    -------
    Adaptation
        The fitted calibration and its held-out figures before and after.
    """
    classifier = Classifier.open(base, "onnx")
    report = (lambda done: progress("reading", done, 0)) if progress else None
    cells, records = read_sources(sources, classifier, report)
    learned = learned_list(set().union(*(record.images for record in records)), classifier.card)
    calibration, before, after = fit_adaptation(cells, Calibration.of_card(classifier.card),
                                                progress)
    return Adaptation(classifier, calibration, before, after, cells.counts(),
                      len(set(cells.groups[cells.labelled])), fold_count(cells), records,
                      own_uncertain_limit(calibration, cells), learned)


def fit_adaptation(cells: LabelledCells, base: Calibration, progress: Progress | None = None
                   ) -> tuple[Calibration, Figures, Figures]:
    """The calibration fitted on all ``cells`` and the held-out figures before and after;
    raises :class:`TooFewCellsError` or :class:`WorseThanBaseError`."""
    check_enough(cells)
    steps = _Steps(progress, fold_count(cells))
    before, after = held_out(cells, base, step=steps)
    check_not_worse(before, after)
    steps.stage = "fitting"
    return calibrate(cells, base, step=steps), before, after


def check_enough(cells: LabelledCells) -> None:
    """Refuse too few labelled cells of a class, or a class from too few fields or slides."""
    counts = cells.counts()
    for label, name in enumerate((UNINFECTED, PARASITIZED)):
        if counts[name] < MIN_CELLS_PER_CLASS:
            raise TooFewCellsError(
                f"{counted(counts[name], name + ' cell')} labelled ({counts[PARASITIZED]} "
                f"parasitized, {counts[UNINFECTED]} uninfected); adapting needs at least "
                f"{MIN_CELLS_PER_CLASS} of each class")
        groups = cells.groups_with(label)
        if groups < MIN_GROUPS:
            raise TooFewCellsError(
                f"the {name} cells come from "
                f"{counted(groups, 'field or slide', 'fields or slides')}; adapting needs them "
                f"from at least {MIN_GROUPS}, to hold some out and measure")


def check_not_worse(before: Figures, after: Figures) -> None:
    """Refuse an adaptation that did worse than its base on the held-out cells: an AUC more
    than :data:`AUC_MARGIN` lower, or a lower balanced accuracy without a higher sensitivity.

    A threshold trades specificity for sensitivity along the ROC curve; the adapted one is
    chosen by the screening rule (``calibration.choose_threshold``) on the lab's cells, where
    the base's may miss far more, so a specificity given up for sensitivity is that rule at
    work, not a worse model.
    """
    if (after.auc < before.auc - AUC_MARGIN
            or (after.sensitivity <= before.sensitivity
                and after.balanced_accuracy < before.balanced_accuracy)):
        raise WorseThanBaseError(
            f"the adapted model did worse than its base on held-out fields or slides: "
            f"{_summary(after)} against {_summary(before)}")


def _summary(figures: Figures) -> str:
    return (f"AUC {figures.auc:.3f}, sensitivity {figures.sensitivity:.3f}, specificity "
            f"{figures.specificity:.3f}")


def write_model(adaptation: Adaptation, out_dir: str | os.PathLike[str],
                overwrite: bool = False) -> Path:
    """Write the adapted model's card and README into ``out_dir`` (checked by
    :func:`check_target`); returns the card's path. The base's ONNX file is not copied."""
    out_dir = Path(out_dir)
    check_target(out_dir, adaptation.base.card, overwrite, adaptation.inputs)
    card = adaptation.card()
    contents = {CARD_NAME: json.dumps(card, indent=2, ensure_ascii=False) + "\n",
                README: adapted_markdown(card)}
    with output_folder(out_dir, "the adapted model", AdaptationError):
        _write_together(out_dir, contents)
    return out_dir / CARD_NAME


def _write_together(out_dir: Path, contents: dict[str, str]) -> None:
    """Write each file beside its target, then rename them all into place, all or none."""
    temps: list[Path] = []
    try:
        for name, text in contents.items():
            temps.append(temp_beside(out_dir / name))
            write_synced(temps[-1], text.encode("utf-8"))
        replace_together([(tmp, out_dir / name) for tmp, name in zip(temps, contents, strict=True)])
    except OSError as exc:
        raise AdaptationError(f"cannot write the adapted model to {out_dir}: {why(exc)}") from exc
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def open_source(path: str | os.PathLike[str], annotations: Path | None = None) -> Source:
    """The source at ``path``: a reviewed report (``.csv``), a folder of class folders, or a
    folder of whole fields with ``annotations`` (default: its ``annotations.json``); a folder
    with class folders is read as such even when ``annotations`` is given for others."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        return ReviewedReport(path)
    if not path.is_dir():
        raise DatasetError(f"not a folder or a report .csv: {path}")
    has_classes = any(child.is_dir() and child.name.lower() in CLASS_NAMES
                      for child in path.iterdir())
    if not has_classes and (annotations is not None or (path / ANNOTATIONS_NAME).is_file()):
        return AnnotatedFields(path, annotations)
    return ClassFolders(path)
