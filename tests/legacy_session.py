"""Session folders as earlier releases autosaved them, written for the tests of their reader
(``core.session.SessionStore``) and of their one-time move into the case register."""

from __future__ import annotations

import uuid
from pathlib import Path

from malariascope.core.clock import utc_now
from malariascope.core.jsonfields import dumps
from malariascope.core.session import FORMAT, STATE, VERSION, Session

FIRST_CHUNK = "rows-0000000.jsonl"


def legacy_state(session: Session) -> dict[str, object]:
    """The ``session`` object of ``state.json``: every field but the rows (saved apart), the
    facts' fields among the session's."""
    return {**session.facts.to_dict(),
            "decisions": [decision.to_dict() for decision in session.decisions],
            "unsaved": session.unsaved, "complete": session.complete,
            "saved_at": session.saved_at, "extent": session.extent.to_dict()}


def write_legacy_session(folder: Path, session: Session) -> None:
    """Write ``session`` into ``folder`` as one chunk of rows and the state naming it."""
    folder.mkdir(parents=True, exist_ok=True)
    batch = uuid.uuid4().hex
    header = {"format": FORMAT, "batch": batch, "first": 0, "rows": len(session.results)}
    lines = [dumps(header)] + [dumps(result.to_dict()) for result in session.results]
    (folder / FIRST_CHUNK).write_text("\n".join(lines) + "\n", encoding="utf-8")
    values = {**legacy_state(session), "saved_at": utc_now()}
    state = {"format": FORMAT, "version": VERSION, "batch": batch,
             "chunks": [[FIRST_CHUNK, len(session.results)]], "session": values}
    (folder / STATE).write_text(dumps(state), encoding="utf-8")
