"""The batch an earlier MalariaScope autosaved as session files, moved into the register.

Before the register, a window kept its batch in a folder of session files beside it
(:data:`LEGACY_FOLDER`); the first window that opens the register takes that batch in as
work left, and offers it back as any case a window left.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from malariascope.core.errors import CaseError, SessionError
from malariascope.core.register.store import Register
from malariascope.core.session import Session, SessionStore

LEGACY_FOLDER = "session"  # where MalariaScope kept the batch in files before the register


def take_legacy(folder: Path, register: Register, save: Callable[[Session], object]) -> None:
    """Move the batch an earlier MalariaScope autosaved as session files in ``folder`` into
    ``register`` as work left, with ``save`` (a window's ``CaseWork.save``), unless the
    register holds work left already; :class:`SessionError` (the files set aside) when it
    cannot be read back."""
    if not folder.is_dir() or register.work() is not None:
        return
    store = SessionStore(folder)
    try:
        session = store.load()
        if session is not None and session.results:
            save(session)
    except (SessionError, CaseError) as exc:
        raise SessionError(f"{exc}; its files were kept as {store.set_aside()}") from exc
    store.delete()
    with contextlib.suppress(OSError):  # a file of the user's own in it: kept
        folder.rmdir()
