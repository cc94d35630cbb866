"""One number format in the whole window, the reports' own (a point for decimals, a comma
between thousands), whatever the system's locale, and boxes that take what they show."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt

from malariascope.gui.app import create_app


@pytest.fixture
def german_window(make_window):
    """A window started where the system's locale is German (comma decimals, point
    thousands), as ``LANG=de_DE.UTF-8`` gives; the locale is restored afterwards."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        create_app()
        yield make_window()
    finally:
        QLocale.setDefault(before)


def _enter(qtbot, box, text: str) -> None:
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_a_german_locale_shows_the_numbers_of_the_reports(german_window, qtbot):
    """Under German the Target count box showed "2.000" beside a summary of "2,000", and the
    threshold box "0,1873" beside "Field threshold 0.9503"."""
    panel, spin = german_window.case_panel, german_window.controls.threshold.spin
    panel.target.setValue(2000)
    assert panel.target.text() == "2,000"
    spin.setValue(0.25)
    assert spin.text() == "0.2500"
    assert "," not in spin.text()
    _enter(qtbot, spin.lineEdit(), "0.3")
    assert spin.value() == pytest.approx(0.3) and spin.text() == "0.3000"


def test_a_german_locale_takes_the_red_cell_count_as_shown(german_window, qtbot):
    """Under German, "4,5" typed in Red cells per µL was taken as 45: the box takes the
    count as it shows it (4,500,000) and refuses a comma that parts no thousands."""
    panel = german_window.case_panel
    _enter(qtbot, panel.rbc, "4,500,000")
    assert panel.case.case.facts.rbc_per_ul == 4_500_000 and panel.error.text() == ""
    assert panel.rbc.text() == "4,500,000"
    _enter(qtbot, panel.rbc, "4,5")
    assert panel.case.case.facts.rbc_per_ul == 4_500_000
    assert "not '4,5'" in panel.error.text()
