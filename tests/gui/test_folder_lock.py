"""The data folder's lock: the window that takes it as it starts autosaves; a window holding
it only for a moment (to ask whether another holds it) keeps no other window from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 60_000
#: Another process takes the data folder's lock as held_elsewhere does, says so, and lets it
#: go when told.
HOLD_FOR_A_MOMENT = """
import sys
from pathlib import Path
from malariascope.gui.folder_lock import folder_lock
lock = folder_lock(Path(sys.argv[1]))
assert lock.tryLock(0)
print("held", flush=True)
sys.stdin.readline()
lock.unlock()
"""


def test_a_window_starting_while_another_holds_the_lock_a_moment_autosaves(make_window,
                                                                         qtbot, data_folder):
    """A window without autosave asks whether the folder is held by taking its lock for a
    moment; a window starting at that moment found it held, and ran without autosave for
    its whole life."""
    window = make_window(start=False)
    offs: list[str] = []
    window.autosave.off.connect(offs.append)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_FOR_A_MOMENT, str(data_folder)],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        window.autosave.resume()
        holder.stdin.write("\n")  # the moment ends
        holder.stdin.flush()
        assert holder.wait(timeout=WAIT_MS / 1000) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    qtbot.waitUntil(lambda: window.autosave.register is not None or bool(offs),
                    timeout=WAIT_MS)
    assert offs == [] and window.autosave.register is not None
