"""A case as the register holds it, and how it is read back whole from the database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace

from malariascope.core.case import Case, ReviewDecision, Withdrawal, current_reviews
from malariascope.core.extent import Extent
from malariascope.core.leftout import LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.register import records, saving

#: A case's ``twin`` (a column of ``cases``): how many cases stored before it share its name
#: (no slide id, the same patient, opened in the same second; see ``Case.name``). Counted
#: through the index of the cases without a slide id, so a case read, or a page of the list,
#: reads only its own namesakes, never the whole table; in a register without that index (an
#: archive read as it is), ``likely`` has SQLite take the patients' index, not the slide ids'.
TWIN = ("CASE sample_id WHEN '' THEN (SELECT count(*) FROM cases AS earlier WHERE "
        "likely(earlier.sample_id = '') AND earlier.patient_id = cases.patient_id AND "
        "earlier.created_at = cases.created_at AND earlier.id < cases.id) ELSE 0 END")


@dataclass
class StoredCase:
    """A case as the register holds it: enough to show it again and print it."""

    case: Case
    result: CaseResult | None  # as last saved; the signed result once signed
    cells: list[ScreeningResult]  # in the order they were added
    reviews: list[ReviewDecision]  # every decision, in the order made (the audit trail)
    #: False when its screening stopped short of the images opened; None: not known (saved
    #: before the register kept it)
    screening_complete: bool | None = None
    files_found: int | None = None  #: in what it was opened from; None: not known
    copies: LeftOut | None = None  #: files left out as copies of others; None: not recorded
    #: its inputs, how they were searched and which were cut short, without the files found
    #: and the copies; None: not known (saved before the register kept them, or by a save
    #: that named none)
    inputs: Extent | None = None
    #: the case as read (:func:`~malariascope.core.register.saving.version_of`), whatever is
    #: done to the copy since: what the register must still hold for work to go on from it
    read_as: saving.Version = field(init=False)

    def __post_init__(self) -> None:
        self.read_as = saving.version_of(self.case, len(self.cells), len(self.reviews))

    @property
    def extent(self) -> Extent:
        """What the case was opened from, as a window's batch of it holds it."""
        return replace(self.inputs or Extent(), files=self.files_found or 0, copies=self.copies)

    @property
    def finals(self) -> dict[int, str]:
        """Rows with a reviewer's call, and that call (what the window's batch restores)."""
        return {row: decision.final_call for row, decision in
                current_reviews(self.reviews).items() if decision.reviewed}


def read_case(db: sqlite3.Connection, case_id: int) -> StoredCase:
    """The case stored under ``case_id``, whole; ``records.UNREADABLE`` when a value of it
    cannot be read back."""
    (uid, created_at, model, sha256, rule, sources, facts, result, signed,
     complete, files, copies, inputs, twin) = db.execute(
        "SELECT uid, created_at, model, model_sha256, rule, sources, facts, result, "
        f"signed, screening_complete, files_found, copies_left_out, inputs, {TWIN} FROM "
        "cases WHERE id = ?", (case_id,)).fetchone()
    amendments = tuple(records.amendment_of(*row) for row in db.execute(
        f"SELECT {', '.join(records.AMENDMENT_COLUMNS)} FROM amendments WHERE case_id = ? "
        "ORDER BY number", (case_id,)))
    withdrawn = tuple(Withdrawal(*row) for row in db.execute(
        f"SELECT {', '.join(records.WITHDRAWAL_COLUMNS)} FROM withdrawals WHERE "
        "case_id = ? ORDER BY rowid", (case_id,)))
    case = Case(records.facts_of(facts), model, sha256, records.rule_of(rule),
                records.sources_of(sources), uid, created_at, amendments, withdrawn, twin,
                records.signed_of(signed))
    cells = [records.cell_of(row[1:]) for row in db.execute(
        f"SELECT {', '.join(records.CELL_COLUMNS)} FROM cells WHERE case_id = ? "
        "ORDER BY row", (case_id,))]
    reviews = [ReviewDecision(*row) for row in db.execute(
        f"SELECT {', '.join(records.REVIEW_COLUMNS)} FROM reviews WHERE case_id = ? "
        "ORDER BY id", (case_id,))]
    return StoredCase(case, records.result_of(result), cells, reviews,
                      None if complete is None else bool(complete), files,
                      records.copies_of(copies),
                      None if inputs is None else records.extent_of(inputs))
