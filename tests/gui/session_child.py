"""The real app in a child process, for the crash test; and what a window shows, to compare.

``python -m tests.gui.session_child FOLDER`` starts MalariaScope as ``malariascope gui FOLDER``
does, then plays a technician: sets the sample id, moves the threshold and reviews cells with
the window's own actions. It prints what the window shows as one JSON line and keeps running
until it is killed. A second argument sets the autosave's delay for changes other than
reviews and the case's facts, in ms.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REVIEWS = {5: "parasitized", 6: "uninfected", 9: "confirm", 12: "parasitized"}  # row -> action
THRESHOLD = 0.3


def window_state(window) -> dict:
    """Everything a technician sees of the batch: every cell of the table, the summary,
    the batch fields and the unsaved mark."""
    from malariascope.gui.summary_panel import STATS

    model, batch = window.table_model, window.batch
    table = [[model.index(row, column).data() for column in range(model.columnCount())]
             for row in range(model.rowCount())]
    return {"table": table, "reviews": [batch.review(row) for row in range(len(batch))],
            "finals": [batch.final_call(row) for row in range(len(batch))],
            "summary": {name: window.summary.text(name) for name in STATS},
            "threshold": window.controls.threshold.value(),
            "sample_id": window.case_panel.sample_id.text(), "unsaved": window.isWindowModified()}


def play_technician(window) -> None:
    """Review as a person would: type a sample id, drag the threshold, press the review keys."""
    window.case_panel.sample_id.setText("S-104")
    window.case_panel.sample_id.textEdited.emit("S-104")
    window.controls.threshold.spin.setValue(THRESHOLD)
    for row, action in REVIEWS.items():
        window.table.select_source_row(row)
        window.review_current(action)
    print(json.dumps(window_state(window)), flush=True)


def main(folder: str, save_every_ms: str = "") -> int:
    from malariascope.gui import save_pace
    from malariascope.gui.app import create_app, show_window, start

    if save_every_ms:
        save_pace.SAVE_EVERY_MS = int(save_every_ms)

    app = create_app()
    window = show_window()
    window.controller.screening_finished.connect(lambda *_: play_technician(window))
    start(window, [folder])
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
