"""Small copies of the NIH cell set in the layouts people have: as published (class folders,
cells named by slide) and as a course copy split at random by cell."""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

from tests.images import make_cell, write_rgb


def write_published(folder: Path, infected: int = 10, healthy: int = 2, per_slide: int = 5,
                    names: tuple[str, str] = ("Parasitized", "Uninfected")) -> Path:
    """Class folders ``names`` in ``folder``; infected patients' slides (``C12P3thinF_...``)
    give ``per_slide`` parasitized and some uninfected cells, healthy ones (``C5NthinF_...``)
    ``per_slide`` uninfected cells, as in the NIH set."""
    parasitized, uninfected = (folder / name for name in names)
    for index in range(infected):
        slide = f"C{10 + index}P{index}thinF_IMG_20150608_1623{index:02d}"
        _write_cells(parasitized, slide, per_slide, True)
        _write_cells(uninfected, slide, (per_slide + 1) // 2, False)
    for index in range(healthy):
        _write_cells(uninfected, f"C{60 + index}NthinF_IMG_20150609_1221{index:02d}",
                     per_slide, False)
    return folder


def write_split_by_cell(root: Path, every: int = 4) -> Path:
    """``root/{train,test}/{class}``: the published cells with every ``every``-th one of each
    class in ``test/``, as a split at random by cell puts one patient's cells on both sides."""
    published = write_published(root / "published")
    for class_dir in published.iterdir():
        for index, cell in enumerate(sorted(class_dir.iterdir())):
            part = root / ("test" if index % every == 0 else "train") / class_dir.name.lower()
            part.mkdir(parents=True, exist_ok=True)
            cell.rename(part / cell.name)
    shutil.rmtree(published)
    return root


def _write_cells(folder: Path, slide: str, count: int, parasitized: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for cell in range(count):
        name = f"{slide}_cell_{cell}.png"
        write_rgb(folder / name, make_cell(size=40, parasitized=parasitized,
                                           seed=zlib.crc32(f"{folder.name}{name}".encode())))
