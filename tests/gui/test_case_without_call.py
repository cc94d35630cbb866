"""The Case tab and the printed report tell the files without a call by why they have none,
in the real window with real cells."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from tests.gui.case_steps import _type_facts
from tests.gui.helpers import screen_and_wait
from tests.gui.test_case_records import _pdf_text
from tests.images import write_files_without_call

KINDS = "1 unreadable, 2 refused as no stained cell image"


def _case_tab(window) -> str:
    """The Case tab's result as it reads on screen: its words, one space apart."""
    document = QTextDocument()
    document.setHtml(window.case_panel.result.text())
    return " ".join(document.toPlainText().split())


def test_the_case_tab_and_pdf_tell_unreadable_files_from_images_refused(
    window, qtbot, tmp_path, real_cells
):
    """A cell cut short, a grey cell and an animated GIF of two cells were "Unreadable: 3
    files or fields" on the Case tab and "unreadable files: 3" in the PDF, though two of
    them were read and refused; signed, the case tells them apart still."""
    write_files_without_call(tmp_path / "slide", real_cells["parasitized"][:3])
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    assert (window.batch.counts.classified, window.batch.counts.errors) == (3, 3)
    assert f"Without a call 3 files ({KINDS}), not counted" in _case_tab(window)
    assert "Unreadable" not in _case_tab(window)
    _type_facts(window, qtbot)
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    assert f"Without a call 3 files ({KINDS}), not counted" in _case_tab(window)
    text = _pdf_text(window, qtbot, tmp_path / "slide.pdf")
    assert f"files without a call: 3 ({KINDS}; cut.png, grey.png, two cells.gif)" in text
    assert "unreadable files" not in text
