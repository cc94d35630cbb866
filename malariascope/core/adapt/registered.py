"""Reviewed cells of a signed case in the case register, read with no report exported first.

The register keeps each cell's image path and sha256, its box in a whole field, and every
review decision: a cell whose last decision pressed a call is labelled with it, read again
and checked against its sha256 as a reviewed report's cells are (``reports``). Only a signed
case is read: an open one's calls may still change. Its cells are one group, its slide.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from malariascope.core.adapt.repeats import Repeats
from malariascope.core.adapt.reports import ReviewedCell, reviewed_chunks
from malariascope.core.adapt.sources import Chunk, SourceRecord
from malariascope.core.adapt.wording import REGISTER_CASE
from malariascope.core.datadir import check_data_dir
from malariascope.core.errors import DatasetError
from malariascope.core.options import CLASS_NAMES
from malariascope.core.register import FILE_NAME, CaseQuery, CaseSummary, Register
from malariascope.core.register.stored import StoredCase


class RegisteredCase:
    """A signed case of the register in ``folder``; its reviewed cells are the labelled
    cells."""

    kind = REGISTER_CASE

    def __init__(self, folder: Path, uid: str) -> None:
        self.folder, self.uid = folder, uid
        self.record = SourceRecord(self.kind, f"{(folder / FILE_NAME).resolve()}#{uid}")

    def chunks(self, size: int, repeats: Repeats) -> Iterator[Chunk]:
        with Register(self.folder, view=True) as register:
            stored = register.load(self.uid)
        images = reviewed_cells(stored, self.record.path)
        self.record.sha256 = _digest(images)
        yield from reviewed_chunks(self.record, images, size, repeats)


def open_case(folder: Path, uid: str) -> RegisteredCase:
    """The case of the register in ``folder`` whose uid is ``uid`` or begins with it (``cases
    list`` shows the first 8 characters); :class:`DatasetError` for none or several."""
    check_data_dir(folder)
    with Register(folder, view=True) as register:
        if nothing := register.nothing_stored:
            raise DatasetError(f"{nothing}: no case {uid} to adapt to")
        found = register.uids_beginning(uid.lower())
    if len(found) != 1:
        raise DatasetError(f"{'no' if not found else len(found)} cases in {folder / FILE_NAME} "
                           f"begin with {uid!r}: give the case's uid as `cases list` shows it")
    return RegisteredCase(folder, found[0])


def open_cases(folder: Path, uids: Iterable[str]) -> list[RegisteredCase]:
    """The cases of ``uids`` as :func:`open_case` finds them; :class:`DatasetError` when two
    name the same case (by its uid, or by any prefix of it), whose cells would count twice
    and sit on both sides of a held-out split."""
    cases: dict[str, tuple[str, RegisteredCase]] = {}  # by uid: as given, and the case
    for uid in uids:
        case = open_case(folder, uid)
        if case.uid in cases:
            raise DatasetError(f"case {case.uid[:8]} is given twice (as {cases[case.uid][0]!r} "
                               f"and {uid!r}): give each case once")
        cases[case.uid] = uid, case
    return [case for _, case in cases.values()]


def signed_cases(folder: Path) -> list[CaseSummary]:
    """The signed cases of the register in ``folder``, the cases :func:`open_case` can adapt
    to; none when the folder has no register yet."""
    with Register(folder, view=True) as register:
        return register.cases(CaseQuery(status="signed"))


def reviewed_cells(stored: StoredCase, source: str) -> list[list[ReviewedCell]]:
    """The reviewed cells of ``stored``, by image in row order; refused unless it is
    signed and holds one."""
    case = stored.case
    if case.signed is None:
        raise DatasetError(f"case {case.uid[:8]} is not signed: its calls may still change; "
                           "sign it before adapting to it")
    images: dict[Path, list[ReviewedCell]] = {}
    for row, final in sorted(stored.finals.items()):
        cell = stored.cells[row]
        if cell.ok:
            images.setdefault(cell.path, []).append(ReviewedCell(
                f"case {case.uid[:8]} row {row}", cell.path, cell.sha256,
                CLASS_NAMES.index(final), f"{source}:{case.facts.sample_id}", cell.box))
    if not images:  # signed unreviewed (or only marked unsure): it has no label to give
        raise DatasetError(f"case {case.uid[:8]} ({case.name}) has no reviewed cell (none "
                           "confirmed or overridden): leave it out")
    return list(images.values())


def _digest(images: list[list[ReviewedCell]]) -> str:
    """A sha256 of the labelled cells: each image's sha256, box and label."""
    cells = [(cell.sha256, cell.box, cell.label) for cells in images for cell in cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()
