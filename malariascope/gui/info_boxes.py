"""The Help menu's boxes of facts: About (built from the card of the model actually loaded)
and where the data folder is."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from malariascope import __version__
from malariascope.core.datadir import data_dir
from malariascope.core.words import threshold_words
from malariascope.gui.dialogs import Button, message, open_choice
from malariascope.gui.resources import app_icon

DISCLAIMER = ("MalariaScope is a screening aid, not a diagnosis. Every call must be reviewed "
              "by a trained technician, and results confirmed by standard methods.")
METRIC_NAMES = {"accuracy": "Accuracy", "sensitivity": "Sensitivity",
                "specificity": "Specificity", "auc": "ROC area (AUC)"}


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
            ("Default threshold", threshold_words(float(card.get('threshold', 0.5))))]
    if card.get("field_threshold") is not None:
        field = threshold_words(float(card["field_threshold"]))
        rows.append(("Field threshold", f"{field} (cells of whole fields)"))
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
    show = box.addButton("&Open folder", QMessageBox.ButtonRole.ActionRole)

    def open_folder() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    return open_choice(box, show, lambda clicked: clicked is show and open_folder())


def show_about(parent: QWidget, card: dict | None, model_name: str = "") -> QMessageBox:
    """Open the About box without blocking; returns it."""
    box = message(parent, QMessageBox.Icon.NoIcon, "About MalariaScope",
                  about_html(card, model_name))
    box.setIconPixmap(app_icon().pixmap(96, 96))
    return box
