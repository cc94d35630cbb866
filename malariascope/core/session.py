"""A batch as the technician left it (:class:`Session`), and the reader of the session folders
earlier releases autosaved (:class:`SessionStore`).

Qt-free. The case register (``core.register``) is the autosave store; a session folder left by
an earlier release is read once, moved into the register and deleted (``core.register.work``).
Such a folder holds

- ``rows-NNNNNNN.jsonl``: results in screening order, one JSON object a line, in chunks;
- ``state.json``: review decisions, the batch's facts and the list of chunks.

Rows and state are JSON objects of their dataclasses' fields (the facts' fields flat among the
session's), read back checked by ``from_dict`` (``core.jsonfields``); nothing is ever unpickled.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from dataclasses import dataclass, field, fields
from pathlib import Path

from malariascope.core.case import Case, ReviewDecision, current_reviews
from malariascope.core.errors import SessionError
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.jsonfields import build, expect, flag, json_object, text
from malariascope.core.pipeline import ScreeningResult

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
    saved_at: str = ""  # UTC, when it was last saved
    case: Case | None = None  # the case the batch is, when the window holds one (the register's)
    extent: Extent = field(default_factory=Extent)  # what was opened: finds the files left

    @property
    def reviewed(self) -> int:
        """Rows whose standing review is a call (not ``unsure``, not taken back)."""
        return sum(decision.reviewed for decision in current_reviews(self.decisions).values())

    @classmethod
    def from_dict(cls, data: object, results: list[ScreeningResult]) -> Session:
        """A session from the ``session`` object of a ``state.json`` and its rows; ValueError
        names a bad or unknown field."""
        data = expect(data, dict, "session")
        facts = {name: value for name, value in data.items() if name in _FACT_NAMES}
        # copies left out are not recorded in a session saved without them, extent or not
        rest = {"extent": {}, **{name: value for name, value in data.items()
                                 if name not in facts}}
        return build(cls, rest, _SESSION_FIELDS, "Session", results=results,
                     facts=BatchFacts.from_dict(facts))


def _decisions(value: object, name: str) -> list[ReviewDecision]:
    return [ReviewDecision.from_dict(item, f"{name}[{i}]")
            for i, item in enumerate(expect(value, list, name))]


_FACT_NAMES = frozenset(f.name for f in fields(BatchFacts))
_SESSION_FIELDS = {"decisions": _decisions, "unsaved": flag, "complete": flag, "saved_at": text,
                   "extent": Extent.from_dict}


class SessionStore:
    """A session folder left by an earlier release: read it, delete it, or set it aside."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def load(self) -> Session | None:
        """The session on disk, or None; :class:`SessionError` if it cannot be read back whole."""
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

    def set_aside(self) -> Path:
        """Move an unreadable session out of the way (kept for a bug report); returns where."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.folder.with_name(f"{self.folder.name}-unreadable-{stamp}-"
                                       f"{uuid.uuid4().hex[:6]}")
        os.replace(self.folder, target)
        return target


# -- files ------------------------------------------------------------------------------
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
