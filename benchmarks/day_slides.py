"""One slide of ``working_day.py``'s day, step by step, and what the window holds after it."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from day_window import (
    Heartbeat,
    after_signal,
    answer_box,
    answer_next_box,
    folder_bytes,
    proc_status,
    wait,
)

FIELDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "fields"


class Day:
    def __init__(self, window, work: Path, cells: Path, seed: int) -> None:
        self.window, self.work, self.rng = window, work, random.Random(seed)
        self.pool = sorted((cells / "train").glob("*/*.png")) + sorted(
            (cells / "test").glob("*/*.png"))
        self.exports, self.data = work / "exports", Path(os.environ["MALARIASCOPE_DATA_DIR"])
        self.exports.mkdir()
        self.fields = sorted(FIELDS.glob("*.JPG"))
        self.blocks: dict[str, float] = {}  # the worst UI block of each step of the slide
        self.heartbeat = Heartbeat()
        self.folders: list[Path] = []

    def slide_folder(self, number: int, part: str = "") -> Path:
        """A folder of links to 150-400 cells, or to 2-4 whole fields every fourth slide."""
        folder = self.work / "slides" / f"slide-{number:03}{part}"
        folder.mkdir(parents=True)
        if number % 4 == 2 and self.fields:
            chosen = self.rng.sample(self.fields, self.rng.randint(2, 4))
        else:
            chosen = self.rng.sample(self.pool, self.rng.randint(150, 400))
        for path in chosen:
            (folder / path.name).symlink_to(path)
        self.folders.append(folder)
        return folder

    def type_facts(self, number: int) -> None:
        from PySide6.QtTest import QTest

        panel = self.window.case_panel
        self.window.central.show_case()
        for box, text in ((panel.sample_id, f"D-{number:03}"),
                          (panel.patient_id, f"P-{number:05}"), (panel.operator, "Ann Lee")):
            box.clear()
            QTest.keyClicks(box, text)
        panel.target.setValue(100)

    def screen(self, folder: Path, cancel_half_way: bool = False) -> bool:
        window = self.window
        finished = []
        slot = lambda cells, complete: finished.append(complete)  # noqa: E731
        window.controller.screening_finished.connect(slot)
        try:
            assert window.open_paths([folder]), "open refused"
            if cancel_half_way:
                half = len(list(folder.iterdir())) // 2
                wait(lambda: finished or len(window.batch) >= half, "half the cells")
                if not finished:
                    window.status.task_status.cancel_button.click()
            wait(lambda: bool(finished), "screening")
        finally:
            window.controller.screening_finished.disconnect(slot)
        return finished[0]

    def review_with_keys(self, count: int) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        window = self.window
        window.activateWindow()
        rows = [row for row in range(len(window.batch)) if window.batch.results[row].ok]
        for row in self.rng.sample(rows, min(count, len(rows))):
            window.table.select_source_row(row)
            window.table.setFocus()
            key = self.rng.choice((Qt.Key.Key_P, Qt.Key.Key_U))
            QTest.keyClick(QApplication.focusWidget() or window.table, key)
            QApplication.processEvents()
        window.actions.undo.trigger()
        window.actions.redo.trigger()

    def full_size(self) -> None:
        """Look at the current cell at full size, step through a few, close the window."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        cell_window = self.window.cell_window
        self.window.actions.full_size.trigger()
        for _ in range(4):
            QTest.keyClick(cell_window, Qt.Key.Key_Down)
        QTest.keyClick(cell_window, Qt.Key.Key_Escape)

    def look_at_gallery(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        window = self.window
        QTest.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
        gallery = window.gallery
        if window.lists.gallery_shown() and gallery.model().rowCount():
            wait(lambda: window.table_model.thumbnails.active() == 0, "thumbnails")
            for _ in range(3):
                QTest.keyClick(gallery, Qt.Key.Key_PageDown)
            wait(lambda: window.table_model.thumbnails.active() == 0, "thumbnails")
        QTest.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)  # back to the table

    def sign(self, name: str = "Ann Lee") -> None:
        from malariascope.gui.case_dialogs import SignDialog

        window = self.window
        window.actions.sign.trigger()
        if window.case.result().unreviewed_flagged:
            answer_box(window, "Flagged cells not reviewed", "Sign anyway")
        wait(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)), "sign dialog")
        dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
        dialog.name.setText(name)
        after_signal(window.case_flow.saved, dialog.ok.click, "signed case saved")

    def export(self, number: int, again: str = "") -> None:
        window = self.window
        stem = self.exports / f"D-{number:03}{again}"
        after_signal(window.case_flow.reports.written,
                     lambda: window.case_flow.reports.export_pdf(stem.with_suffix(".pdf"),
                                                                 size="A4"), "PDF")
        after_signal(window.controller.export_finished,
                     lambda: window.export_to(stem.with_suffix(".csv")), "CSV")

    def new_case(self) -> None:
        """File > New case; a question about the case's unsaved work is answered Discard."""
        answer_next_box(self.window, "Discard")
        assert self.window.case_flow.new_case(), "new case refused"

    def amend_past(self, number: int) -> None:
        """Open an earlier case from the register, amend it, sign it, export it again."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from malariascope.gui.register_dialog import RegisterDialog

        window = self.window
        window.actions.cases.trigger()
        dialog = window.findChild(RegisterDialog)
        wait(lambda: dialog.table.model().rowCount() > 0, "register listed")
        shown = dialog.table.model()
        wanted = f"D-{self.rng.randint(1, number - 1):03}"
        wait(lambda: any(shown.index(row, 0).data() == wanted
                         for row in range(shown.rowCount())), f"{wanted} listed")
        row = next(row for row in range(shown.rowCount()) if shown.index(row, 0).data() == wanted)
        QTest.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=dialog.table.visualRect(shown.index(row, 0)).center())
        wait(lambda: len(dialog.selected_uids()) == 1, f"{wanted} selected")
        after_signal(dialog.exported, lambda: dialog.exports.export_to(
            self.exports / f"register-{number:03}.csv", selected=False), "register CSV")
        after_signal(dialog.case_loaded, dialog.open_selected, "past case loaded")
        wait(lambda: not window.past_case.waiting.uid, "past case saves")
        after_signal(window.case_flow.message,
                     lambda: window.case_flow.amending.amend("recount", "Bob"), "amended")
        self.review_with_keys(2)
        self.sign("Bob")
        self.export(number, again=f"-amended-{wanted}")

    def measure(self, number: int, step_ms: float) -> dict:
        from PySide6.QtCore import QObject, QThreadPool
        from PySide6.QtWidgets import QApplication

        window = self.window
        tmp = Path(tempfile.gettempdir())
        return {
            "slide": number, "rss_mb": round(proc_status("VmRSS") / 1024, 1),
            "fds": len(os.listdir("/proc/self/fd")), "threads": proc_status("Threads"),
            "widgets": len(QApplication.allWidgets()),
            "top_levels": len(QApplication.topLevelWidgets()),
            "qobjects": len(window.findChildren(QObject)),
            "pool_active": QThreadPool.globalInstance().activeThreadCount(),
            "workers": len(window.controller.workers),
            "tmp_files": sum(1 for _ in tmp.rglob("*")),
            "export_files": sum(1 for _ in self.exports.iterdir()),
            "register_kb": folder_bytes(self.data) // 1024,
            "worst_block_ms": round(max(self.blocks.values(), default=0.0), 1),
            "worst_step": max(self.blocks, key=self.blocks.get, default=""),
            "data_exports": sum(1 for _ in (self.data / "exports").glob("*")),
            "slide_s": round(step_ms / 1000, 1),
        }

    def step(self, name: str, act: Callable[[], object]) -> None:
        """Do ``act``, noting the longest the UI thread was blocked meanwhile under ``name``."""
        self.heartbeat.read()
        try:
            act()
        finally:
            wait(lambda: True, name)
            self.blocks[name] = max(self.blocks.get(name, 0.0), self.heartbeat.read())

    def slide(self, number: int) -> None:
        rng, window = self.rng, self.window
        if number % 10 == 5 and number > 5:
            self.step("amend past", lambda: self.amend_past(number))
            self.new_case()
        self.type_facts(number)
        if number % 7 == 3:  # cancelled half-way, the case discarded
            self.screen(self.slide_folder(number, "-cancelled"), cancel_half_way=True)
            self.new_case()
            self.type_facts(number)
        if number % 6 == 4 and self.folders:  # a folder screened again from Open recent
            recent = window.actions.recent_menu.actions()
            if recent:
                done = []
                slot = lambda *_: done.append(1)  # noqa: E731
                window.controller.screening_finished.connect(slot)
                rng.choice(recent).trigger()
                wait(lambda: bool(done), "Open recent screening")
                window.controller.screening_finished.disconnect(slot)
                self.new_case()
                self.type_facts(number)
        self.step("screen", lambda: self.screen(self.slide_folder(number)))
        if number % 5 == 0:
            self.step("threshold", lambda: window.controls.threshold.spin.setValue(
                rng.choice((0.4, 0.5, 0.6))))
        self.step("review", lambda: self.review_with_keys(rng.randint(3, 12)))
        self.step("full size", self.full_size)
        self.step("gallery", self.look_at_gallery)
        self.step("sign", self.sign)
        self.step("export", lambda: self.export(number))
        self.step("new case", self.new_case)
