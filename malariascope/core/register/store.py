"""The case register: every case of the lab, the one in progress included, in one SQLite file.

The case in progress is saved as the technician works: each :meth:`Register.save` appends
the cells and review decisions made since the last one and updates the case's facts and
figures, all in one transaction, so a crash loses nothing and a save never rewrites what is
stored. A signed case is reopened whole (its cells, every review decision, the rule it was
called with) and is refused any change until it is amended.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from malariascope.core.case import Case, ReviewDecision
from malariascope.core.errors import CaseSignedError, ImageReadError, RegisterError
from malariascope.core.extent import Extent
from malariascope.core.imageio import decode_image
from malariascope.core.leftout import LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.register import records, saving
from malariascope.core.register.connection import RegisterFile
from malariascope.core.register.database import snapshot
from malariascope.core.register.export import cases_csv, check_cases_target, write_cases_csv
from malariascope.core.register.pages import CasePage, PageMark, read_page
from malariascope.core.register.query import CaseQuery, CaseSummary, case_row, summaries
from malariascope.core.register.schema import NEXT_CHANGE
from malariascope.core.register.stored import StoredCase, read_case


class Register(RegisterFile):
    """The register file in ``folder``, open until :meth:`close`; safe to share between
    threads (one call at a time).

    Opening raises :class:`~malariascope.core.errors.RegisterDamagedError` once a damaged file
    is set aside (open again for a new register);
    :class:`~malariascope.core.errors.RegisterTooNewError` for a file of a newer MalariaScope,
    left where it is, unwritten (that version opens it);
    :class:`~malariascope.core.errors.RegisterError` otherwise.
    ``view`` opens a register only to read it: one this process cannot write, as an archive
    or one on a full disk, is then read where it is, untouched, and every write to it fails;
    one never written (no file, or an empty one) reads as a register without cases, nothing
    made, and :attr:`nothing_stored` says so.
    """

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------
    def save(self, case: Case, result: CaseResult | None = None, *,
             cells: Sequence[ScreeningResult] = (), first_row: int | None = None,
             reviews: Sequence[ReviewDecision] = (), work: str | None = None,
             screening_complete: bool | None = None, files_found: int | None = None,
             copies: LeftOut | None = None, inputs: Extent | None = None,
             guest: bool = False) -> int:
        """Store ``case`` with what is new: its ``cells`` appended after those stored (at
        ``first_row``, when given, which must be their number), its review ``reviews``.

        Parameters
        ----------
        case
            The case; its facts, sign-off and amendments replace those stored.
        result
            Its figures now (ignored once signed: the signed result is kept); None keeps
            those stored.
        cells, first_row, reviews
            What was added since the last save; ``first_row`` guards against a gap or a
            cell saved twice.
        work
            The state of the window working on the case (JSON), kept with it until
            :meth:`end_work`; None leaves it as it is.
        guest
            True for the save of a window that keeps no work here while another window
            does: refused (:class:`CaseHeldError`) when that window works on the case.
        screening_complete
            Whether the case's screening covered every image it was opened with (None keeps
            what is stored; see :func:`~malariascope.core.register.saving.write_complete`).
        files_found
            The image files found in what the case was opened from (None keeps what is
            stored; 0: not known, some never counted): a report of the case reopened tells
            how many it lacks.
        copies
            The image files left out as copies of files screened (None keeps what is
            stored): its records say so.
        inputs
            What the case was opened from, with what it says of the inputs cut short (None
            keeps what is stored): the case reopened can screen the rest.

        Returns
        -------
        int
            The number of cells stored for the case.
        """
        with self._writing("save the case"):
            case_id, rows, amended, signed = saving.stored_state(self._db, case,
                                                                 screening_complete)
            if guest:
                saving.check_free(self._db, case_id, case)
            kept = saving.amendments_kept(self._db, case_id, case)
            saving.add_withdrawals(self._db, case_id, case)
            if signed and kept == amended == len(case.amendments):
                return saving.check_unchanged(self._db, case_id, case, rows, cells,
                                              first_row, reviews)
            saving.write_complete(self._db, case_id, screening_complete)
            saving.write_extent(self._db, case_id, files_found, copies, inputs)
            if kept < amended:  # checked against the screening just written
                amended = saving.drop_withdrawn(self._db, case_id, case, amended, kept,
                                                signed or bool(cells or reviews))
            saving.write_case(self._db, case_id, case, result)
            saving.add_amendments(self._db, case_id, case.amendments[amended:], amended)
            rows = saving.append_cells(self._db, case_id, rows, cells, first_row)
            saving.add_reviews(self._db, case_id, rows, reviews)
            if work is not None:
                self._db.execute("INSERT OR REPLACE INTO work VALUES (?, ?)", (case_id, work))
            return rows

    def discard(self, uid: str) -> None:
        """Delete an open case and all it holds (a case begun by mistake), noted among the
        cases discarded for the list; a signed one stays."""
        with self._writing("discard the case"):
            if self._db.execute("SELECT status FROM cases WHERE uid = ?",
                                (uid,)).fetchone() == ("signed",):
                raise CaseSignedError("a signed case is kept for good; it cannot be discarded")
            self._db.execute(f"INSERT INTO discarded SELECT uid, {NEXT_CHANGE} FROM cases "
                             "WHERE uid = ?", (uid,))
            self._db.execute("DELETE FROM cases WHERE uid = ?", (uid,))

    def end_work(self, uid: str) -> None:
        """The window working on the case is done with it (the case itself stays)."""
        with self._writing("end the work on the case"):
            self._db.execute("DELETE FROM work WHERE case_id IN (SELECT id FROM cases WHERE "
                             "uid = ?)", (uid,))

    def save_pictures(self, uid: str, pictures: Mapping[int, np.ndarray]) -> None:
        """Keep pictures of some cells (RGB ``uint8``, by row) as PNG, so a printed report's
        gallery no longer needs the image files; a row's picture replaces its old one."""
        with self._writing("save the pictures"):
            case_id = case_row(self._db, uid, self.path)
            self._db.executemany(
                "INSERT OR REPLACE INTO pictures VALUES (?, ?, ?)",
                [(case_id, row, records.picture_png(picture))
                 for row, picture in pictures.items()])

    # -- reading -------------------------------------------------------------------------
    def load(self, uid: str) -> StoredCase:
        """The case with this ``uid``, whole; :class:`CaseGoneError` if it is not there,
        :class:`RegisterError` if it cannot be read back."""
        with self._using("read the case"), snapshot(self._db):  # a case saved meanwhile: whole
            case_id = case_row(self._db, uid, self.path)
            try:
                return read_case(self._db, case_id)
            except records.UNREADABLE as exc:
                raise RegisterError(f"case {uid[:8]} in {self.path} cannot be read: "
                                    f"{exc}") from exc

    def check_take(self, stored: StoredCase, guest: bool = False) -> None:
        """Refuse work going on from ``stored``, a copy read before (amended, or an open case
        finished): :class:`CaseChangedError` when the register's latest differs from it;
        for a ``guest`` (see :meth:`save`), :class:`CaseHeldError` when the window that keeps
        its work here works on it. The check made before a take and by the take itself."""
        case = stored.case
        with self._using("read the case"):
            case_id = case_row(self._db, case.uid, self.path)
            saving.check_current(self._db, case_id, case, stored.read_as)
            if guest:
                saving.check_free(self._db, case_id, case)

    def work(self) -> tuple[str, str] | None:
        """The uid and window state of a case a window was working on when it stopped."""
        with self._using("find the work in progress"):
            return self._db.execute("SELECT uid, state FROM work JOIN cases ON cases.id = "
                                    "work.case_id ORDER BY cases.changed DESC").fetchone()

    def pictures(self, uid: str) -> dict[int, np.ndarray]:
        """The pictures kept for a case, RGB ``uint8`` by row."""
        with self._using("read the pictures"):
            found = self._db.execute(
                "SELECT row, png FROM pictures WHERE case_id = ? ORDER BY row",
                (case_row(self._db, uid, self.path),)).fetchall()
        try:
            return {row: decode_image(np.frombuffer(png, np.uint8)) for row, png in found}
        except ImageReadError as exc:
            raise RegisterError(f"a picture of case {uid[:8]} cannot be read: {exc}") from exc

    def cases(self, query: CaseQuery | None = None) -> list[CaseSummary]:
        """The cases ``query`` selects (all by default), the latest changed first."""
        with self.listing(query) as cases:
            return list(cases)

    @contextlib.contextmanager
    def listing(self, query: CaseQuery | None = None) -> Iterator[Iterator[CaseSummary]]:
        """The cases ``query`` selects (all by default), the latest changed first, read one
        at a time as the block goes through them: a list of years of cases is never held
        whole. The register is held, in one snapshot, until the block ends."""
        with self._using("list the cases"), snapshot(self._db):
            yield self._readable(summaries(self._db, query or CaseQuery()))

    def page(self, query: CaseQuery | None = None, limit: int = 500,
             after: PageMark | None = None) -> CasePage:
        """The ``limit`` latest changed cases ``query`` selects (all by default) after
        ``after``, the mark of the page before, with those changed or discarded since it,
        and how many it selects: what a list shows of a register of years (see
        :class:`CasePage`)."""
        with self._using("list the cases"), snapshot(self._db):
            return read_page(self._db, query or CaseQuery(), limit, after or PageMark(),
                             self._readable)

    def _readable(self, read: Iterator[CaseSummary]) -> Iterator[CaseSummary]:
        """What ``read`` yields; :class:`RegisterError` for a case that cannot be read back."""
        try:
            yield from read
        except records.UNREADABLE as exc:
            raise RegisterError(f"a case in {self.path} cannot be read: {exc}") from exc

    def uids_beginning(self, prefix: str) -> list[str]:
        """The uids of the cases whose uid begins with ``prefix``, found through the uids'
        index (a range of them: no character of ``prefix`` is a wildcard)."""
        with self._using("find the case"):
            return [uid for (uid,) in self._db.execute(
                "SELECT uid FROM cases WHERE uid >= ?1 AND uid < ?1 || char(1114111) "
                "ORDER BY uid", (prefix,))]

    def export_csv(self, path: str | Path, query: CaseQuery | None = None,
                   overwrite: bool = False) -> int:
        """Write the cases ``query`` selects (all by default) as CSV for a lab information
        system, one row per case; returns how many. The register is free again before the
        file is written: a slow drive never holds up the window's saves. See
        :mod:`~malariascope.core.register.export`."""
        path = Path(path)
        check_cases_target(path, overwrite, self.path)
        with self.listing(query) as cases:
            data, count = cases_csv(cases)
        write_cases_csv(path, data)
        return count

