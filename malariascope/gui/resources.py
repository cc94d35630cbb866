"""Where the app finds its assets (icons), in the source tree and in a PyInstaller bundle.

Mirrors :func:`malariascope.core.modelcard.models_dir`: a frozen app unpacks data files under
``sys._MEIPASS``, a source checkout keeps them in ``assets/`` beside the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def assets_dir() -> Path:
    """The ``assets`` folder of the source tree or of the bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[2] / "assets"


def asset_path(name: str) -> Path:
    """Path of one asset file (it may not exist in a broken install; callers check)."""
    return assets_dir() / name


def app_icon() -> QIcon:
    """The window icon, one PNG per size so small sizes stay crisp on every DPI."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = asset_path(f"malariascope-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon
