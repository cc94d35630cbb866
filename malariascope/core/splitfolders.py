"""A split made from the published layout, written as ``DIR/{train,test}/{class}`` folders.

The cells are hard links where the file system allows (no space taken, made at once), else
copies. The folders are filled beside their place and renamed into it at the end, so a failed
or interrupted run leaves a split already in ``DIR`` whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from malariascope.core.atomic import Commit, at_once, output_folder, why, write_synced
from malariascope.core.errors import FolderNotEmptyError, SplitError
from malariascope.core.options import CLASS_NAMES
from malariascope.core.split import MANIFEST_NAME, PARTS, DataSplit, manifest_csv
from malariascope.core.targets import inside

#: What a split in ``DIR`` consists of, replaced as a whole.
WRITTEN = (*PARTS, MANIFEST_NAME)


def write_split_folders(split: DataSplit, out: Path, overwrite: bool = False,
                        commit: Commit = at_once) -> int:
    """Write ``split`` into ``out``: its cells by part and class, and its manifest.

    Parameters
    ----------
    split
        A split made from the class folders as published (``split.classes_in`` is set).
    out
        The folder to write into; outside ``split.root``.
    overwrite
        Replace the ``train/``, ``test/`` and ``split.csv`` of an ``out`` that holds files
        (anything else in it is left alone); without it such an ``out`` is refused.
    commit
        Called with the renames that put the filled split into ``out``, to make them (the
        CLI ignores stop signals from then on); by default they are made directly.

    Returns
    -------
    int
        How many cells were copied because the file system would not link them.
    """
    _check_target(split.root, out, overwrite)
    with output_folder(out, "the split", SplitError):
        stage = Path(tempfile.mkdtemp(prefix=".split-", dir=out))
        try:
            copied = _fill(stage, split)
            write_synced(stage / MANIFEST_NAME,
                         manifest_csv(split.root, {"train": split.train, "test": split.test}))
            commit(lambda: _swap_in(stage, out))
        except OSError as exc:
            raise SplitError(f"cannot write the split to {out}: {why(exc)}") from exc
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return copied


def _check_target(root: Path, out: Path, overwrite: bool) -> None:
    """Refuse an ``out`` inside ``root`` (the split would be read back as cells), one whose
    replaced folders hold ``root``, and one holding files unless ``overwrite``."""
    if inside(out, root):
        raise SplitError(f"{out} is inside {root.resolve()}: write the split outside the cells "
                         "it splits")
    for name in PARTS:
        if inside(root, out / name):
            raise SplitError(f"{root.resolve()} is inside {out / name}, which the split "
                             "would replace")
    if not overwrite and out.is_dir() and any(out.iterdir()):
        raise FolderNotEmptyError(out)


def _fill(stage: Path, split: DataSplit) -> int:
    """Link (or copy) every cell to ``stage/{part}/{class}/``, keeping the folders it has
    below its class folder; returns the number copied."""
    copied = 0
    can_link = True
    for part, images in (("train", split.train), ("test", split.test)):
        for path, label in zip(images.paths, images.labels, strict=True):
            below_class = path.relative_to(split.classes_in).parts[1:]
            target = stage.joinpath(part, CLASS_NAMES[label], *below_class)
            target.parent.mkdir(parents=True, exist_ok=True)
            can_link = can_link and _linked(path, target)
            if not can_link:
                shutil.copy2(path, target)
                copied += 1
    return copied


def _linked(source: Path, target: Path) -> bool:
    """Hard link ``target`` to ``source``; False where links are not to be had (another
    drive, FAT, files of another user under protected links). A symbolic link is linked as
    the file it names: a relative one, linked itself (as Linux does), names nothing from
    ``target``'s folder."""
    real = os.path.realpath(source)
    try:
        os.link(real if os.path.exists(real) else source, target)
    except OSError:
        return False
    return True


def _swap_in(stage: Path, out: Path) -> None:
    """Move the split filled in ``stage`` into ``out``, the split there before (named in any
    letter case) into ``stage`` to be deleted with it; a failed rename puts the old one back."""
    aside = stage / "replaced"
    aside.mkdir()
    old = [child for child in out.iterdir() if child.name.lower() in WRITTEN]
    moved_in: list[str] = []
    try:
        for child in old:
            os.replace(child, aside / child.name)
        for name in WRITTEN:
            os.replace(stage / name, out / name)
            moved_in.append(name)
    except BaseException:
        for name in moved_in:
            with contextlib.suppress(OSError):
                os.replace(out / name, stage / name)
        for child in old:
            with contextlib.suppress(OSError):  # those not yet moved aside stay where they are
                os.replace(aside / child.name, child)
        raise
