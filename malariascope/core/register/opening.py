"""The register opened for a window's work: a damaged one set aside, the batch an earlier
MalariaScope left in session files taken in, and the case a window left read back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from malariascope.core.errors import RegisterError, RegisterSetAsideError, SessionError
from malariascope.core.register.legacy import LEGACY_FOLDER, take_legacy
from malariascope.core.register.store import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session


@dataclass
class OpenedWork:
    """The register a window works in, and what it found there as it started."""

    work: CaseWork
    session: Session | None = None  # the case a window left, as its batch
    set_aside: RegisterSetAsideError | None = None  # the damaged register moved aside
    unreadable: RegisterError | SessionError | None = None  # why work left cannot be read


def open_work(folder: Path, offer: bool = True) -> OpenedWork:
    """Open the register in ``folder`` for a window's work and read the case a window left;
    without ``offer`` (a window that has work of its own) that case is left unread, to be
    offered at the next start.

    A damaged register is set aside (see :class:`Register`), told in the result, and a new one
    begun; :class:`RegisterError` when no register can be opened at all, as one of a newer
    MalariaScope, left as it is, cannot (:class:`~malariascope.core.errors.RegisterTooNewError`).
    """
    try:
        opened = OpenedWork(CaseWork(Register(folder)))
    except RegisterSetAsideError as exc:
        opened = OpenedWork(CaseWork(Register(folder)), set_aside=exc)
    if not offer:
        return opened
    try:
        take_legacy(folder / LEGACY_FOLDER, opened.work.register, opened.work.save)
    except SessionError as exc:
        opened.unreadable = exc
    try:
        opened.session = opened.work.load()
    except RegisterError as exc:
        opened.unreadable = RegisterError(f"{exc}; the case stays in the case register")
        opened.work.end_left()
    return opened

