"""The image files an adapted model learned from, and the screened images among them.

An adapted card lists, under ``adapted``, the sha256 of every image file whose cells went into
its fit (:data:`LEARNED`), the digest screening computes of each file (``result.sha256``), so
an image screened again is known by its bytes whatever its name. A call on such an image is
not an independent check: the model has seen its cells' labels. A card without the list (a
base model, a model adapted by an earlier MalariaScope) knows of none, and nothing is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from malariascope.core.errors import AdaptationError
from malariascope.core.modelfiles import MAX_CARD_BYTES
from malariascope.core.words import counted

if TYPE_CHECKING:
    from malariascope.core.cardvalues import CardValues
    from malariascope.core.results import ScreeningResult

LEARNED = "learned_images"  #: the key under ``adapted`` listing the learned images' sha256
#: The mark of a cell, on its row or its picture, whose image the model learned from.
LEARNED_TEXT = "learned in adaptation"
#: At most this many are listed, so a card stays under its size limit: 80 bytes each (a digest
#: on its own line of the card's JSON), and 64 KiB for the rest of the card.
MAX_LEARNED_IMAGES = (MAX_CARD_BYTES - (1 << 16)) // 80
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ModelCard(Protocol):
    """What is read of a ``core.modelcard.ModelCard`` (named here, not imported: that module
    calls this one)."""

    name: str
    path: Path | None
    adapted: dict | None


def read_learned(adapted: CardValues) -> None:
    """Refuse a learned list that is not distinct 64-hex digests, at most
    :data:`MAX_LEARNED_IMAGES` of them; an absent list passes (nothing learned is known)."""
    value = adapted.data.get(LEARNED)
    if value is None:
        return
    ok = (isinstance(value, list) and len(value) <= MAX_LEARNED_IMAGES
          and all(isinstance(v, str) and _SHA256.fullmatch(v) for v in value)
          and len(set(value)) == len(value))
    adapted.check(ok, LEARNED, f"a list of at most {MAX_LEARNED_IMAGES:,} distinct sha256 "
                  "digests (64 hex digits)", value)


def learned_images(card: ModelCard | None) -> frozenset[str] | None:
    """The sha256 of the images ``card``'s model learned from; None when it lists none."""
    listed = None if card is None or card.adapted is None else card.adapted.get(LEARNED)
    return None if listed is None else frozenset(listed)


class TooManyImagesError(AdaptationError):
    """More image files were learned from than a card can list."""


def learned_list(images: Iterable[str], base: ModelCard) -> list[str]:
    """The card's list: ``images`` with those its ``base`` learned from (a model adapted
    again keeps its first adaptation's head as its prior), sorted; refused when longer than
    :data:`MAX_LEARNED_IMAGES`, before anything is fitted."""
    listed = sorted({*images, *(learned_images(base) or ())})
    if len(listed) > MAX_LEARNED_IMAGES:
        raise TooManyImagesError(
            f"the cells come from {len(listed):,} image files; an adapted model's card lists "
            f"the images it learned from, at most {MAX_LEARNED_IMAGES:,}: adapt on fewer")
    return listed


class LearnedMarks:
    """Marks each screened result with whether ``card``'s model learned from its image, and
    counts the image files it learned from among them."""

    def __init__(self, card: ModelCard | None) -> None:
        self.learned = learned_images(card)
        self.model = "" if card is None else model_label(card)
        self.paths: set[Path] = set()

    def mark(self, results: Iterable[ScreeningResult]) -> None:
        """Set each result's ``learned`` (left None, unknown, when the card lists none)."""
        if self.learned is None:
            return
        for result in results:
            result.learned = result.sha256 in self.learned
            if result.learned:
                self.paths.add(result.path)

    def words(self) -> str:
        """The warning of the learned images screened."""
        return learned_words(len(self.paths), self.model)


def model_label(card: ModelCard) -> str:
    """The model as its user chose it: its folder's name, else its card's name."""
    return card.path.parent.name if card.path is not None else card.name


def learned_words(count: int, model: str) -> str:
    """The warning of ``count`` screened images that ``model`` learned from."""
    were = "was" if count == 1 else "were"
    return (f"{counted(count, 'image')} {were} learned by model {model} in adaptation: "
            f"{'its' if count == 1 else 'their'} calls are not an independent check")
