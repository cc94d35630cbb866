"""Where models are, and reading their files safely: regular files of bounded size only.

Models are only ever read from the bundled folder, a folder named by ``MALARIASCOPE_MODELS``
or a path the user gives, never fetched.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

from malariascope.core.envpaths import named_path
from malariascope.core.errors import ModelError, NotAModelError

CARD_NAME = "model-card.json"
CARD_SUFFIX = ".json"  #: a card given by name may have any name with this suffix
MODELS_ENV = "MALARIASCOPE_MODELS"  # a folder the user chose instead of the bundled model
MAX_CARD_BYTES = 1 << 20  #: a card is a few kilobytes; a larger one is not read
MAX_MODEL_BYTES = 1 << 28  #: the bundled model files are about a megabyte each
#: The backend that runs each kind of model file a card lists, by the file's suffix.
FILE_BACKENDS = {".keras": "tensorflow", ".onnx": "onnx"}


def is_plain_name(name: str) -> bool:
    """True for a file name with no folder part on any system (no ``..``, ``/``, ``C:``)."""
    return (name not in ("", ".", "..") and "\0" not in name
            and PurePosixPath(name).name == name and PureWindowsPath(name).name == name)


def bundled_dir() -> Path:
    """The folder of the model that ships with the app, in the source tree or a bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "models" if bundle else Path(__file__).resolve().parents[2] / "models"


def models_dir() -> Path:
    """The folder named by ``MALARIASCOPE_MODELS`` if set, else the bundled one; ModelError
    when the variable names no path the system could take (:func:`named_path`)."""
    return named_path(MODELS_ENV, ModelError, "the bundled model") or bundled_dir()


def is_card_path(path: Path) -> bool:
    """True when ``path`` names a model card: its suffix is :data:`CARD_SUFFIX` in any letter
    case, as model files' suffixes are matched."""
    return path.suffix.lower() == CARD_SUFFIX


def check_model_path(path: Path) -> None:
    """NotAModelError unless ``path`` is a folder, a card (``.json``) or a model file (one
    of :data:`FILE_BACKENDS`)."""
    if path.is_dir() or is_card_path(path) or path.suffix.lower() in FILE_BACKENDS:
        return
    raise NotAModelError(f"{path} is neither a model card (.json) nor a model file "
                         f"({', '.join(FILE_BACKENDS)}): give one of those, or their folder")


def check_listed(path: Path, listed: list[str], card_name: str) -> None:
    """A model file given by name must be one its card lists: another one beside it (a copy,
    an older export) would be passed over for the file the card names."""
    if is_card_path(path) or path.is_dir():
        return
    if path.name not in listed:
        raise ModelError(f"{path} is not a model its card {card_name} lists "
                         f"({', '.join(listed)}): give one of those, or the folder")


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_regular_file(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, refused unless it is a regular file of at most ``limit`` bytes:
    a FIFO would block and a device never end. Opened without blocking, then checked.

    Parameters
    ----------
    path
        The file to read.
    limit
        The most bytes it may hold.
    what
        What the file is, for messages (``model card``).

    Returns
    -------
    bytes
        The whole file; a :class:`ModelError` says why it was refused, and
        ``FileNotFoundError`` is left to the caller to word.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise ModelError(f"{what} unreadable: {path}: {getattr(exc, 'strerror', '') or exc}"
                         ) from None
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ModelError(f"{what} {path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ModelError(f"{what} {path} is too large (over {limit:,} bytes)")
    return data
