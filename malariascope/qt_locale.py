"""What the app takes from the system's locale through Qt: the paper a report is printed on
when nobody chose one, and Qt's warning that the locale is not UTF-8, kept off stderr where
Qt dealt with it. Numbers it does not take: the window writes them as the reports do.

Shared by the window and the printing: both make the application that Qt warns from, and
both choose the paper alike. Imports only ``QtCore``, so the window starts as fast.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from PySide6.QtCore import (
    QLocale,
    QMessageLogContext,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)


def locale_page_size() -> str:
    """Letter where the system's locale measures in inches (the US), else A4: the paper a
    report is laid out for when nobody chose one, in the window and on the command line."""
    return ("Letter" if QLocale.system().measurementSystem()
            == QLocale.MeasurementSystem.ImperialUSSystem else "A4")


def write_numbers_as_the_reports() -> None:
    """Every box made from now on shows and reads numbers as the reports write them, in
    English (2,000 and 0.25), whatever the system's locale: one format in the window."""
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


@contextlib.contextmanager
def quiet_about_a_locale_not_utf8() -> Iterator[None]:
    """Qt's messages in the block go on as before, but for its warning that the locale is
    not UTF-8 (``LC_ALL=C``: a container, a cron job) and that it has switched to a UTF-8 one
    for text: names come out whole then, and stderr holds only the app's own lines. Should Qt
    find no UTF-8 locale to switch to, the warning is told."""
    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if switched_to_utf8(message):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(qFormatLogMessage(kind, context, message), file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def switched_to_utf8(message: str) -> bool:
    """True for Qt's warning that the locale is not UTF-8 and that it switched to one."""
    return message.startswith("Detected locale ") and "and has switched to" in message
