"""The case a window is working on, kept in the register as the technician works.

The window's batch is a case in progress. Each :meth:`CaseWork.save` appends to the case in
the register the cells and review decisions made since the last one, updates its facts,
figures and whether its screening was whole, and keeps what the batch holds beyond the case
(reviews not yet exported, the model card's threshold, what it was opened from) in the
register's ``work`` row, all in one transaction: a crash loses nothing that was saved. A
window that closes on purpose drops its work, or keeps it (:meth:`CaseWork.keep`: the case
stays open in the register, for a window to take and finish later); a ``work`` row left
behind is a window that stopped, and :func:`~malariascope.core.register.opening.open_work`
finds it, as it finds a batch that an earlier MalariaScope left in session files.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, replace

from malariascope.core.case import Case
from malariascope.core.clock import utc_now
from malariascope.core.errors import CaseSignedError, RegisterError
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.jsonfields import build, dumps, flag, json_object, number, optional, text
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.register.batches import session_of
from malariascope.core.register.query import CaseQuery
from malariascope.core.register.store import Register
from malariascope.core.register.stored import StoredCase
from malariascope.core.session import Session
from malariascope.core.tally import Counts

UNKNOWN = Extent(copies=None)  # the extent of work saved before extents were kept
_STATE_FIELDS = {"complete": flag, "unsaved": flag, "default_threshold": optional(number),
                 "saved_at": text, "extent": Extent.from_dict, "kept": flag}


@dataclass(frozen=True)
class _WorkState:
    """What a window's batch holds beyond its case."""

    complete: bool
    unsaved: bool
    default_threshold: float | None  # the batch's (``BatchFacts``): None when not known
    saved_at: str
    extent: Extent = UNKNOWN  # what the batch was opened from
    kept: bool = False  # the case stays in the register when the work on it ends


class CaseWork:
    """One window's case in progress in ``register``: each save adds only what is new.

    :attr:`case` is the case the batch is saved as: the session's own when it has one, else
    one made for the batch (None before the first save and after :meth:`drop`). A signed
    case is saved as signed. :attr:`kept` is True for a case the register keeps when the
    work on it ends (taken from the register, or kept for later): a drop never deletes it,
    and the work row says so for the window that restores it. One save or drop runs at a
    time.
    """

    def __init__(self, register: Register) -> None:
        self.register = register
        self.case: Case | None = None
        self.kept = False
        self._in_register: set[str] = set()  # the uids of the cases seen in the register
        self._rows = self._decisions = 0  # cells and review decisions stored
        self._last: ScreeningResult | None = None  # the last cell stored: spots a new batch

    def save(self, session: Session, counts: Counts | None = None, unlike: str = "") -> None:
        """Store what ``session`` holds that the register lacks; the batch's ``counts`` give
        the case's figures, with the ``unlike`` warning as a limit of its result. The session
        of a new batch, or of another case, drops the case before it."""
        if not self._continues(session):
            self.drop()
        case = self._case_of(session.case or self.case or Case(), session.facts)
        cells = session.results[self._rows:]
        state = _WorkState(session.complete, session.unsaved,
                           session.facts.default_threshold, utc_now(), session.extent,
                           self.kept)
        try:
            self._rows = self.register.save(
                case, None if counts is None else case.result(
                    counts, unlike, session.facts.default_threshold), cells=cells,
                first_row=self._rows, reviews=session.decisions[self._decisions:],
                work=dumps(asdict(state)), screening_complete=session.complete,
                files_found=_files_found(session.extent),
                copies=session.extent.copies, inputs=session.extent)
        except RegisterError:
            if case.signed is not None or case.amendments:  # a drop keeps it, a retry goes on
                self.case = case
            raise
        self.case, self._decisions = case, len(session.decisions)
        self._in_register.add(case.uid)
        if cells:
            self._last = cells[-1]
        if not case.facts.sample_id and case.signed is None:  # named by the second it opened
            # looked up once the save is kept: a look-up that fails is retried with nothing
            # sent again
            case.twin = self.register.cases(CaseQuery(uids=(case.uid,)))[0].twin

    def go_on(self, session: Session, counts: Counts | None = None, unlike: str = "") -> None:
        """:meth:`save` ``session`` as the first save of a window whose autosave came on while
        it had work: its case, when the register holds it already (saved there while the
        window kept no work in the register), goes on from there and stays there when the
        work on it ends."""
        case = session.case
        if self.case is None and case is not None and self.register.cases(
                CaseQuery(uids=(case.uid,))):
            stored = self.register.load(case.uid)
            rows = len(stored.cells)
            if rows <= len(session.results):  # else the save is refused, as any misfit
                self._continue(stored)
                self._last, self.kept = (session.results[rows - 1] if rows else None), True
        self.save(session, counts, unlike)

    def _continues(self, session: Session) -> bool:
        """True when ``session`` is the case's batch, perhaps with cells added since."""
        results, case = session.results, self.case
        return case is not None and len(results) >= self._rows and (
            self._rows == 0 or results[self._rows - 1] is self._last) and (
            session.case is None or session.case.uid == case.uid)

    @staticmethod
    def _case_of(case: Case, facts: BatchFacts) -> Case:
        """``case`` with what the batch's ``facts`` say of it; a signed case as signed."""
        if case.signed is not None:
            return case
        return replace(case, facts=replace(case.facts, sample_id=facts.sample_id,
                                           operator=facts.operator),
                       model=facts.model, model_sha256=facts.model_sha256, rule=facts.rule,
                       sources=facts.sources)

    def drop(self) -> None:
        """Give up the case in progress: deleted from the register if it was never signed nor
        :attr:`kept`, else kept (only no longer worked on), in the register or in a save that
        failed. Until the register has done so the case stays, so that a drop the
        register refused can be asked for again."""
        case = self.case
        if case is not None:
            self._give_up(case)
        self._forget()

    def keep(self, session: Session | None = None, counts: Counts | None = None,
             unlike: str = "") -> None:
        """Stop working on the case, ``session`` saved first when given: it stays in the
        register, open, to be finished later from there, and is not offered as work left.
        The next save begins another case. Should the save fail, the case stays kept: a drop
        that follows leaves it in the register."""
        self.kept = True
        if session is not None:
            self.save(session, counts, unlike)
        if self.case is not None:
            self.register.end_work(self.case.uid)
        self._forget()

    def _forget(self) -> None:
        self.case, self._rows, self._decisions, self._last = None, 0, 0, None
        self.kept = False

    def _give_up(self, case: Case) -> None:
        if case.signed is None and not case.amendments and not self.kept:
            with contextlib.suppress(CaseSignedError):  # unless signed in the register since
                self.register.discard(case.uid)
                self._in_register.discard(case.uid)
                return
        self.register.end_work(case.uid)

    def load(self) -> Session | None:
        """The open case a window left, as its batch (None: none); later saves continue it.

        :class:`RegisterError` when it cannot be read back (:meth:`end_left` stops offering
        it). A signed case left is kept as it is and not offered.
        """
        left = self.register.work()
        if left is None:
            return None
        uid, raw = left
        stored = self.register.load(uid)
        if stored.case.signed is not None:
            self.register.end_work(uid)
            return None
        try:
            state = build(_WorkState, json_object(raw, "work"), _STATE_FIELDS,
                          "work")
        except ValueError as exc:
            raise RegisterError(f"the work on case {uid[:8]} cannot be read: {exc}") from exc
        session = session_of(stored, state.default_threshold, complete=state.complete,
                             unsaved=state.unsaved, saved_at=state.saved_at,
                             extent=state.extent)
        self._continue(stored)
        self.kept = state.kept
        return session

    def take(self, stored: StoredCase) -> None:
        """Work on ``stored`` (a past case reopened: amended, or open to be finished) from
        now on; the case worked on before is dropped, unless it is this one. Later saves add
        to it what is new.

        :class:`CaseChangedError`, nothing changed, when the register holds the case otherwise
        than ``stored`` (saved since it was read): the window would go on from an old copy.
        """
        uid = stored.case.uid
        self.register.check_take(stored)
        if self.case is None or self.case.uid != uid:
            self.drop()
        self._continue(stored)
        self.kept = True

    def holds(self, uid: str) -> bool:
        """True when the register holds case ``uid``, as last saved or read here: a case
        whose every save failed is in no register yet."""
        return uid in self._in_register

    def _continue(self, stored: StoredCase) -> None:
        self._in_register.add(stored.case.uid)
        self.case, self._rows, self._decisions = stored.case, len(stored.cells), len(
            stored.reviews)
        self._last = stored.cells[-1] if stored.cells else None

    def end_left(self) -> None:
        """Stop offering the case a window left (it stays in the register)."""
        left = self.register.work()
        if left is not None:
            self.register.end_work(left[0])


def _files_found(extent: Extent) -> int | None:
    """What a save tells the register of the image files found: 0 (not known) for a batch
    cut short before some were counted, e.g. a folder waiting its turn, so an earlier count
    is not kept as the whole; None (keep the register's) when the save counts none."""
    return extent.files if extent.cut_short else extent.files or None
