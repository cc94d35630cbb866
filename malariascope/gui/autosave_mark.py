"""The status bar's lasting mark of a window's work not autosaved: autosave off (at start, or
for a folder that takes no file), or a save the case register refused (a full disk), marked
until a save goes through. Its Try now tries at once what is tried again anyway: turning
autosave on, or the refused save."""

from __future__ import annotations

from malariascope.gui.autosave import Autosaver
from malariascope.gui.status_bar import StatusBar
from malariascope.gui.write_queue import RETRY_AFTER_MS


def mark_autosave(autosave: Autosaver, status: StatusBar) -> None:
    """Show on ``status`` whether ``autosave`` keeps the window's work, for as long as it
    holds, and try again when its Try now is clicked."""
    writes = autosave.writes

    def on_failed(_: str) -> None:
        if writes.retrying:  # the register's file refused it: it is tried again
            status.autosave_refused(writes.refusal.cause, RETRY_AFTER_MS)

    def try_now() -> None:
        if writes.retrying:
            writes.retry_now()
        else:
            autosave.start.try_again()

    autosave.off.connect(lambda reason: status.autosave_off(reason,
                                                            autosave.start.tries_again))
    autosave.on.connect(status.autosave_on)
    autosave.failed.connect(on_failed)
    autosave.written.connect(status.autosave_saved)
    status.try_autosave.connect(try_now)
