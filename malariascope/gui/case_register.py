"""The window's case into the local register (``core.register``), in a worker.

While autosave is on it keeps the case in the register (``gui.autosave``); signing and
amending then ask it to save at once, and only the pictures of the cells a printed report
shows are added here, so a reprint from the register needs no image file. With autosave off
(a second window), :func:`save_case` brings the register's copy up to date itself: the cells
and review decisions it lacks are appended, with the facts, sign-off, amendments and the
inputs it was opened from (a partial case reopened can name and screen the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.case import ReviewDecision

if TYPE_CHECKING:  # numpy, through the pipeline and the register
    from malariascope.core.extent import Extent
    from malariascope.core.pipeline import ScreeningResult
    from malariascope.core.register import Register
    from malariascope.gui.case_report import ReportOrder


@dataclass(frozen=True)
class RegisterSave:
    """A case as the window holds it, for :func:`save_case`."""

    order: ReportOrder  # the case, its result and the cells its report shows
    cells: Sequence[ScreeningResult]  # every row of the batch, in order
    history: Sequence[ReviewDecision]  # every review decision, in the order made
    complete: bool  # False when its screening stopped short of the images opened
    inputs: Extent  # what it was opened from, with the inputs cut short
    files_found: int | None = None  # image files in what it was opened from (None: not known)


def save_case(folder: Path, save: RegisterSave, guest: Callable[[], bool]) -> int:
    """Store ``save`` in the register in ``folder``, as a guest's when ``guest()``, asked
    here in the worker (``Autosaver.another_works``), answers True; returns the cells
    stored for the case."""
    from malariascope.core.register import CaseQuery, Register

    case, as_guest = save.order.case, guest()
    with Register(folder) as register:
        found = register.cases(CaseQuery(uids=(case.uid,)))
        rows = found[0].rows if found else 0
        decisions = len(register.load(case.uid).reviews) if found else 0
        stored = register.save(case, save.order.result, cells=save.cells[rows:],
                               first_row=rows, reviews=save.history[decisions:],
                               screening_complete=save.complete,
                               files_found=save.files_found, inputs=save.inputs,
                               copies=save.order.copies, guest=as_guest)
        _save_pictures(register, save.order)
    return stored


def save_pictures(register: Register, order: ReportOrder) -> int | None:
    """Keep the pictures of ``order`` with its case once ``register`` holds the case as
    ``order`` has it (signed or not, with its amendments); the cells stored, or None while
    the register holds an older state."""
    from malariascope.core.register import CaseQuery

    case = order.case
    found = register.cases(CaseQuery(uids=(case.uid,)))
    if not found or found[0].amendments != len(case.amendments) or (
            found[0].status == "signed") != (case.signed is not None):
        return None
    _save_pictures(register, order)
    return found[0].rows


def _save_pictures(register: Register, order: ReportOrder) -> None:
    from malariascope.gui.case_report import read_pictures

    pictures = {cell.row: picture for cell, picture in
                read_pictures(order.parasitized) + read_pictures(order.uncertain)
                + read_pictures(order.overridden)}
    if pictures:
        register.save_pictures(order.case.uid, pictures)
