"""Autosaved sessions: a batch's rows, reviews and settings on disk, so a crash loses nothing.

Qt-free: the app saves a :class:`Session` as the technician works and offers it back after a
crash (see ``malariascope.gui.autosave``). A session is a folder of

- ``rows-NNNNNNN.jsonl``: results in screening order, one JSON object a line. Each chunk holds
  the rows that arrived since the last save and is written once, so saving a 20,000-cell batch
  never rewrites it whole.
- ``state.json``: review decisions, the batch's facts and the list of chunks. It is small, it is
  rewritten after every change, and it is written last, so it only names chunks on disk.

Every file is written atomically (a temporary file, then a rename). Rows and state are the
``to_dict`` of their dataclasses, read back checked by ``from_dict`` (``core.jsonfields``);
nothing is ever pickled.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from dataclasses import dataclass, field, fields
from pathlib import Path

from malariascope.core.atomic import write_bytes_atomic
from malariascope.core.case import Case, ReviewDecision, current_reviews
from malariascope.core.errors import SessionError
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.jsonfields import build, dumps, expect, flag, json_object, text
from malariascope.core.pipeline import ScreeningResult, utc_now

FORMAT = "malariascope-session"
VERSION = 2  # 1: reviews were row -> final call, read as decisions of the batch's operator
STATE = "state.json"
CHUNK_NAME = re.compile(r"rows-\d{7}\.jsonl")  # nothing else is ever opened: no ../ tricks


@dataclass
class Session:
    """A batch as the technician left it."""

    results: list[ScreeningResult]
    facts: BatchFacts = field(default_factory=BatchFacts)
    decisions: list[ReviewDecision] = field(default_factory=list)  # every review, in order
    unsaved: bool = False  # reviews made since the last export
    complete: bool = True  # False: screening was cancelled, or had not ended when the app stopped
    saved_at: str = ""  # UTC, set by SessionStore.save
    case: Case | None = None  # the case the batch is, when the window holds one (the register's)
    extent: Extent = field(default_factory=Extent)  # what was opened: finds the files left

    @property
    def reviewed(self) -> int:
        """Rows whose standing review is a call (not ``unsure``, not taken back)."""
        return sum(decision.reviewed for decision in current_reviews(self.decisions).values())

    def to_dict(self) -> dict[str, object]:
        """Everything but the rows (saved apart), the facts' fields among the session's."""
        return {**self.facts.to_dict(),
                "decisions": [decision.to_dict() for decision in self.decisions],
                "unsaved": self.unsaved, "complete": self.complete, "saved_at": self.saved_at,
                "extent": self.extent.to_dict()}

    @classmethod
    def from_dict(cls, data: object, results: list[ScreeningResult]) -> Session:
        """A session from :meth:`to_dict`'s object and its rows; ValueError names a bad or
        unknown field."""
        data = expect(data, dict, "session")
        facts = {name: value for name, value in data.items() if name in _FACT_NAMES}
        rest = {name: value for name, value in data.items() if name not in facts}
        return build(cls, rest, _SESSION_FIELDS, "Session", results=results,
                     facts=BatchFacts.from_dict(facts))


def _decisions(value: object, name: str) -> list[ReviewDecision]:
    return [ReviewDecision.from_dict(item, f"{name}[{i}]")
            for i, item in enumerate(expect(value, list, name))]


_FACT_NAMES = frozenset(f.name for f in fields(BatchFacts))
_SESSION_FIELDS = {"decisions": _decisions, "unsaved": flag, "complete": flag, "saved_at": text,
                   "extent": Extent.from_dict}


class SessionStore:
    """The session folder of one app instance: each save adds only what is new."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._batch = ""  # id of the batch whose rows are on disk
        self._chunks: list[tuple[str, int]] = []
        self._last: ScreeningResult | None = None  # the last row on disk: spots a new batch

    def save(self, session: Session) -> None:
        """Write the rows not on disk yet as one new chunk, then the state naming every chunk."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self._continues(session.results):
            self.delete()  # a new batch: never pair its rows with the old batch's state
            self._batch = uuid.uuid4().hex
        saved = sum(count for _, count in self._chunks)
        new = session.results[saved:]
        if new:
            name = f"rows-{saved:07d}.jsonl"
            write_bytes_atomic(self.folder / name, _chunk_bytes(self._batch, saved, new))
            self._chunks.append((name, len(new)))
            self._last = new[-1]
        write_bytes_atomic(self.folder / STATE, _state_bytes(session, self._batch, self._chunks))

    def _continues(self, results: list[ScreeningResult]) -> bool:
        """True when ``results`` are the batch on disk, perhaps with rows added since."""
        saved = sum(count for _, count in self._chunks)
        return bool(self._batch) and len(results) >= saved and (
            saved == 0 or results[saved - 1] is self._last)

    def load(self) -> Session | None:
        """The session on disk, or None; :class:`SessionError` if it cannot be read back whole.

        Later saves continue it: a restored batch is not written again.
        """
        try:
            raw = (self.folder / STATE).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SessionError(f"cannot read {STATE}: {exc.strerror or exc}") from exc
        try:
            batch, chunks, values, version = _state(raw)
            results: list[ScreeningResult] = []
            for name, count in chunks:
                results += self._read_chunk(name, count, batch, len(results))
            if version == 1:
                values = _from_version_1(values, results)
            session = Session.from_dict(values, results)
            _check_reviews(session)
        except ValueError as exc:
            raise SessionError(str(exc)) from exc
        self._batch, self._chunks = batch, chunks
        self._last = results[-1] if results else None
        return session

    def _read_chunk(self, name: str, count: int, batch: str,
                    first: int) -> list[ScreeningResult]:
        try:
            lines = (self.folder / name).read_bytes().splitlines()
        except OSError as exc:
            raise SessionError(f"cannot read {name}: {exc.strerror or exc}") from exc
        header = json_object(lines[0] if lines else b"", name)
        if header != {"format": FORMAT, "batch": batch, "first": first, "rows": count}:
            raise ValueError(f"{name} does not belong to this session")
        if len(lines) - 1 != count:
            raise ValueError(f"{name} is truncated: {len(lines) - 1} of {count} rows")
        return [ScreeningResult.from_dict(json_object(line, f"{name} row {first + i}"))
                for i, line in enumerate(lines[1:])]

    def delete(self) -> None:
        """Forget the session: the state goes first, so a crash midway leaves nothing to offer."""
        (self.folder / STATE).unlink(missing_ok=True)
        for path in (*self.folder.glob("rows-*.jsonl"), *self.folder.glob(".*.tmp")):
            path.unlink(missing_ok=True)
        self._batch, self._chunks, self._last = "", [], None

    def set_aside(self) -> Path:
        """Move an unreadable session out of the way (kept for a bug report); returns where."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.folder.with_name(f"{self.folder.name}-unreadable-{stamp}-"
                                       f"{uuid.uuid4().hex[:6]}")
        os.replace(self.folder, target)
        self._batch, self._chunks, self._last = "", [], None
        return target


# -- files ------------------------------------------------------------------------------
def _chunk_bytes(batch: str, first: int, results: list[ScreeningResult]) -> bytes:
    header = {"format": FORMAT, "batch": batch, "first": first, "rows": len(results)}
    lines = [dumps(header)] + [dumps(result.to_dict()) for result in results]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _state_bytes(session: Session, batch: str, chunks: list[tuple[str, int]]) -> bytes:
    values = {**session.to_dict(), "saved_at": utc_now()}  # the rows are in the chunks
    state = {"format": FORMAT, "version": VERSION, "batch": batch, "chunks": chunks,
             "session": values}
    return dumps(state).encode("utf-8")


def _state(raw: bytes) -> tuple[str, list[tuple[str, int]], dict, int]:
    """Batch id, chunk list, session fields and format version of ``state.json``, checked."""
    state = json_object(raw, STATE)
    if state.get("format") != FORMAT:
        raise ValueError(f"{STATE} is not a MalariaScope session")
    version = state.get("version")
    if version not in (1, VERSION) or isinstance(version, bool):
        raise ValueError(f"session version {version!r} is not {VERSION} "
                         "(saved by another version of MalariaScope)")
    chunks = []
    for item in expect(state.get("chunks"), list, "chunks"):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and CHUNK_NAME.fullmatch(item[0]) and type(item[1]) is int and item[1] >= 0):
            raise ValueError(f"bad chunk entry {item!r}")
        chunks.append((item[0], item[1]))
    return (str(state.get("batch")), chunks, expect(state.get("session"), dict, "session"),
            version)


def _check_reviews(session: Session) -> None:
    """Review decisions name rows of the batch that have a call."""
    for decision in session.decisions:
        if not 0 <= decision.row < len(session.results) or not session.results[
                decision.row].ok:
            raise ValueError(f"a review names row {decision.row}, which has no call")


def _from_version_1(values: dict, results: list[ScreeningResult]) -> dict:
    """Version 1's ``reviews`` (row -> final call) as decisions: made by the batch's operator
    when the session was saved, on the model's call at the saved threshold."""
    values = dict(values)
    rule = BatchFacts.from_dict({name: values[name] for name in ("rule",) if name in values}).rule
    reviewer = text(values.get("operator", ""), "operator") or "unknown"
    at = text(values.get("saved_at", ""), "saved_at")
    decisions = []
    for key, call in expect(values.pop("reviews", {}), dict, "reviews").items():
        row = int(key) if key.isdigit() else -1
        if rule is None or not 0 <= row < len(results) or not results[row].ok:
            raise ValueError(f"a review names row {key}, which has no call")
        result = results[row]
        model_call = rule.call(result.probability, result.in_field)
        decisions.append({"row": row, "reviewer": reviewer, "at": at,
                          "model_call": model_call, "pressed": text(call, "reviews"),
                          "final_call": call})
    values["decisions"] = decisions
    return values
