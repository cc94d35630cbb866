"""The app's dialogs: file choosers, questions, non-blocking messages and the About box.

Messages open window-modal without blocking the event loop, so workers keep reporting while
one is shown. The About text is built from the model card of the model actually loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, SignalInstance
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget

from malariascope import __version__
from malariascope.core.datadir import data_dir
from malariascope.gui.events import Event
from malariascope.gui.resources import app_icon
from malariascope.gui.settings import export_folder, images_folder, remember_images_folder

DISCLAIMER = ("MalariaScope is a screening aid, not a diagnosis. Every call must be reviewed "
              "by a trained technician, and results confirmed by standard methods.")
IMAGE_FILTER = ("Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp *.gif *.jp2 *.pbm "
                "*.pgm *.ppm);;All files (*)")
Button = QMessageBox.StandardButton
METRIC_NAMES = {"accuracy": "Accuracy", "sensitivity": "Sensitivity",
                "specificity": "Specificity", "auc": "ROC area (AUC)"}
DISCARD, EXPORT, CANCEL, KEEP = "discard", "export", "cancel", "keep"  # of ask_export_first
RESTORE, SCREEN_REST = "restore", "screen the rest"  # of ask_restore, with DISCARD
#: What no file name may hold on Windows or macOS: a sample id such as "B/24/117" must not
#: turn the suggested report name into folders.
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """Show ``text`` window-modal, without blocking; the box deletes itself when closed."""
    box = QMessageBox(icon, title, text, Button.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _remedy(chosen: bool) -> str:
    """What makes screening possible again: another model for one the technician chose,
    a reinstall for the bundled one."""
    if chosen:
        return ("Choose Model > Use the bundled model, or another model folder, to screen "
                "again")
    return "Nothing can be screened until MalariaScope is reinstalled"


def model_not_loaded(parent: QWidget, reason: str, chosen: bool) -> QMessageBox:
    """Why the model (``chosen`` in the Model menu, else the bundled one) did not load, and
    what still works without it."""
    return message(parent, QMessageBox.Icon.Critical, "Model not loaded",
                   f"{reason}\n\n{_remedy(chosen)}; cells already in the window can still be "
                   "reviewed and exported.")


def cannot_screen(parent: QWidget, model_error: str, chosen: bool) -> QMessageBox:
    """Screening refused for want of a model; the batch on show stays."""
    return message(parent, QMessageBox.Icon.Critical, "Cannot screen",
                   f"{model_error}.\n\n{_remedy(chosen)}; the cells in the window stay, and "
                   "can still be reviewed and exported.")


def _open_choice(box: QMessageBox, default: QAbstractButton,
                 finished: Callable[[QAbstractButton | None], object]) -> QMessageBox:
    """Open ``box`` window-modal without blocking; ``finished(button clicked or None)``."""
    box.setDefaultButton(default)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda *_: finished(box.clickedButton()))
    box.open()
    return box


def ask_restore(parent: QWidget, text: str, answered: Callable[[str], None],
                resumable: bool = False, discardable: bool = True) -> QMessageBox:
    """Offer back the work of a session that did not close: ``answered`` gets
    :data:`RESTORE`, :data:`DISCARD` (only when ``discardable``) or, for a ``resumable``
    batch whose screening was cut short, :data:`SCREEN_REST` (restore, then screen the files
    not done; the default).

    Only a click on Discard drops the work; Escape or closing the box restores it.
    """
    box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved work?", text,
                      Button.NoButton, parent)
    answers: dict[QAbstractButton, str] = {}
    if discardable:
        answers[box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)] = DISCARD
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    default = restore
    if resumable:
        default = box.addButton("Restore and &screen the rest",
                                QMessageBox.ButtonRole.AcceptRole)
        answers[default] = SCREEN_REST
    box.setEscapeButton(restore)
    return _open_choice(box, default, lambda clicked: answered(answers.get(clicked, RESTORE)))


def export_failed(parent: QWidget, reason: str, retry: Callable[[], None],
                  what: str = "report", earlier: bool = False,
                  kept: str = "") -> QMessageBox:
    """Say why the report (``what`` it is) was not written, and offer to choose another
    location; ``earlier``: a file of that name was there before, and is kept whole;
    ``kept``: what is kept, said in place of the batch (the register's own words)."""
    if not kept:
        words = f", and the earlier {what} of that name is as it was" if earlier else ""
        kept = f"The batch is still here{words}."
    text = f"The {what} was not written.\n\n{reason}\n\n{kept}"
    box = QMessageBox(QMessageBox.Icon.Critical, "Export failed", text, Button.Close, parent)
    again = box.addButton("Choose another location…", QMessageBox.ButtonRole.AcceptRole)
    return _open_choice(box, again, lambda clicked: clicked is again and retry())


def ask_review_first(parent: QWidget, title: str, text: str, anyway: str,
                     review: Callable[[], None], go: Callable[[], None]) -> QMessageBox:
    """``text`` with Review them (``review``), ``anyway`` (``go``) and Cancel (Escape), which
    does nothing; Review them is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, Button.Cancel, parent)
    show = box.addButton("Review them", QMessageBox.ButtonRole.AcceptRole)
    go_button = box.addButton(anyway, QMessageBox.ButtonRole.DestructiveRole)
    box.setEscapeButton(box.button(Button.Cancel))
    actions = {show: review, go_button: go}
    return _open_choice(box, show, lambda clicked: clicked in actions and actions[clicked]())


def ask_export_without_sample_id(parent: QWidget, enter: Callable[[], None],
                                 export: Callable[[], None]) -> QMessageBox:
    """Before an export, say that the batch has no sample id: Enter it (``enter``), Export
    anyway (``export``), or Cancel (Escape), which does nothing."""
    text = ("The report will not say which slide these cells are from: the Slide id box is "
            "empty.")
    box = QMessageBox(QMessageBox.Icon.Warning, "No slide id", text, Button.Cancel, parent)
    fill = box.addButton("&Enter slide id", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Export &anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.setEscapeButton(box.button(Button.Cancel))
    actions = {fill: enter, anyway: export}
    return _open_choice(box, fill, lambda clicked: clicked in actions and actions[clicked]())


def ask_export_first(parent: QWidget, title: str, text: str | Callable[[], str],
                     keep: str = "", export: bool = True, discard: bool = True,
                     changed: Sequence[SignalInstance | Event] = ()) -> str:
    """Ask before something is lost: :data:`EXPORT` the report first (unless not ``export``),
    :data:`DISCARD` and go ahead (unless not ``discard``), or :data:`CANCEL` (Escape); a
    ``keep`` button, when named, answers :data:`KEEP`. Cancel is the default: Enter or Space,
    even pressed for what came before the question, leaves everything as it was. Blocks: a
    quit waits for the answer. A ``text`` given as a function is read again whenever one of
    ``changed`` fires, so the question says what is lost when it is answered."""
    words = text if callable(text) else lambda: text
    box = QMessageBox(QMessageBox.Icon.Warning, title, words(), Button.NoButton, parent)
    answers: dict[QAbstractButton, str] = {}
    if keep:
        answers[box.addButton(keep, QMessageBox.ButtonRole.AcceptRole)] = KEEP
    if export:
        answers[box.addButton("&Export…", QMessageBox.ButtonRole.AcceptRole)] = EXPORT
    if discard:
        answers[box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)] = DISCARD
    add_cancel_default(box)
    exec_following(box, words, changed)
    return answers.get(box.clickedButton(), CANCEL)


def exec_following(box: QMessageBox, words: Callable[[], str],
                   changed: Sequence[SignalInstance | Event]) -> None:
    """Show ``box`` until answered, its text ``words()`` again whenever one of ``changed``
    fires: what the question says holds when it is answered."""
    def reword(*_: object) -> None:
        box.setText(words())

    for signal in changed:
        signal.connect(reword)
    try:
        box.exec()
    finally:
        for signal in changed:
            signal.disconnect(reword)


def add_cancel_default(box: QMessageBox) -> None:
    """Give ``box`` a Cancel button that both Escape and Enter press: a question that can
    cut work short or let a case go is answered only by a choice made on purpose."""
    cancel = box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(cancel)
    box.setDefaultButton(cancel)


def ask_images(parent: QWidget) -> list[str]:
    """Image files chosen by the user (several at once), remembering their folder."""
    files, _ = QFileDialog.getOpenFileNames(parent, "Open cell images", str(images_folder()),
                                            IMAGE_FILTER)
    if files:
        remember_images_folder(Path(files[0]).parent)
    return files


def ask_folder(parent: QWidget) -> list[str]:
    """The folder chosen by the user (screened recursively), or none."""
    folder = QFileDialog.getExistingDirectory(parent, "Open a folder of cells",
                                              str(images_folder()))
    if folder:
        remember_images_folder(Path(folder))
    return [folder] if folder else []


def ask_report_path(parent: QWidget, sample_id: str, suffix: str = ".csv",
                    title: str = "Export CSV report", name: str = "") -> tuple[Path, bool] | None:
    """Where to write the report (a ``suffix`` file) and whether replacing it was agreed;
    None if cancelled. The dialog offers ``name`` (the one a failed export was given), else
    the sample id's report name, in :func:`~malariascope.gui.settings.export_folder`.

    The save dialog itself asks before replacing the name typed; only when ``suffix`` is
    appended here do we have to ask again.
    """
    name = name or report_name(sample_id, dt.date.today(), suffix)
    start = export_folder() / name
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start),
                                            f"{suffix[1:].upper()} files (*{suffix})")
    if not chosen:
        return None
    path = Path(chosen)
    overwrite = path.exists()
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
        overwrite = path.exists() and QMessageBox.question(
            parent, title, f"{path.name} exists. Replace it?") == Button.Yes
        if path.exists() and not overwrite:
            return None
    return path, overwrite


def report_name(sample_id: str, day: dt.date, suffix: str = ".csv") -> str:
    """The report name offered: the sample id, made safe as a file name, and the day."""
    stem = _NOT_IN_FILE_NAMES.sub("-", sample_id).strip(" .") or "malariascope"
    return f"{stem}_{day:%Y-%m-%d}{suffix}"


def about_html(card: dict | None, model_name: str = "") -> str:
    """The About text; ``card`` is the model card (None while the model is loading)."""
    parts = [f"<h3>MalariaScope {escape(__version__)}</h3>",
             "<p>Malaria screening of thin blood smear images: images of single red blood "
             "cells, and whole microscope fields whose cells it finds and screens one by one, "
             "with Grad-CAM and technician review.</p>",
             f"<p><b>{escape(DISCLAIMER)}</b></p>"]
    parts.append("<p>The model is still loading.</p>" if card is None
                 else _model_html(card, model_name))
    return "".join(parts)


def _model_html(card: dict, model_name: str) -> str:
    metrics = card.get("test_metrics", {})
    rows = [("Model", model_name or card.get("name", "")),
            ("Created", str(card.get("created", "unknown"))),
            ("Default threshold", f"{float(card.get('threshold', 0.5)):.3f}")]
    if card.get("field_threshold") is not None:
        rows.append(("Field threshold", f"{float(card['field_threshold']):.3f} (cells of "
                                        "whole fields)"))
    for split, counts in card.get("trained_on", {}).items():
        if isinstance(counts, dict):
            rows.append((f"{split.capitalize()} cells", ", ".join(
                f"{count:,} {name}" for name, count in counts.items())))
    for key, name in METRIC_NAMES.items():
        if key in metrics:
            rows.append((name, f"{float(metrics[key]):.3f} (test cells)"))
    table = "".join(f"<tr><td>{escape(k)}</td><td>&nbsp;{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{table}</table>"


def show_data_folder(parent: QWidget) -> QMessageBox:
    """Say where the saved work lives, that it outlasts an uninstall, and offer to open it."""
    folder = data_dir()
    text = (f"MalariaScope keeps the work it saves as you go in this folder:\n\n{folder}\n\n"
            "It stays there when MalariaScope is updated or uninstalled, so a lab's records "
            "never leave with the program. Copy it to back them up.")
    box = QMessageBox(QMessageBox.Icon.Information, "Data folder", text, Button.Close, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    show = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)

    def open_folder() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    return _open_choice(box, show, lambda clicked: clicked is show and open_folder())


def show_about(parent: QWidget, card: dict | None, model_name: str = "") -> QMessageBox:
    """Open the About box without blocking; returns it."""
    box = message(parent, QMessageBox.Icon.NoIcon, "About MalariaScope",
                  about_html(card, model_name))
    box.setIconPixmap(app_icon().pixmap(96, 96))
    return box
