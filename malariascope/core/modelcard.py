"""The model card: what a model file is, how to feed it, and the hashes that pin it.

:func:`load_card` reads a :class:`ModelCard`, its every value checked (types, ranges, how
they fit together); the card checks a model file's hash before a backend parses it. Model
files are plain names in the card's folder; the bundled card is pinned by its own hash.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from malariascope.core.adapt.adaptedcard import BLEND, FieldBlend, read_adapted, read_blend
from malariascope.core.adapt.basecard import check_adapted
from malariascope.core.adapt.loading import ADAPTED, read_base_file
from malariascope.core.cardvalues import CardValues, check_band, invalid
from malariascope.core.errors import CardNotFoundError, ModelError
from malariascope.core.metrics import ScreeningMetrics
from malariascope.core.modelfiles import (
    CARD_NAME,
    MAX_CARD_BYTES,
    MAX_MODEL_BYTES,
    bundled_dir,
    check_listed,
    check_model_path,
    is_card_path,
    is_plain_name,
    models_dir,
    read_regular_file,
)
from malariascope.core.options import CLASS_NAMES, MAX_INPUT_SIZE, MIN_INPUT_SIZE
from malariascope.core.recipe import Recipe
from malariascope.core.views import VIEW_COUNTS

#: sha256 of the bundled ``models/model-card.json``: update it whenever the bundled model
#: (and so its card) changes, or the app refuses its own model.
BUNDLED_CARD_SHA256 = "e12e81bf2b66789be75ff9b0f2781604f528b18dd279d895c2e606b754906d4d"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ModelFile:
    """A file by name and sha256: a model file of the card, the model one was tuned from, or
    the split manifest."""

    name: str
    sha256: str


@dataclass(frozen=True)
class ModelCard:
    """Every value of a model card, checked on creation; ``path`` is where it was read from.

    The values up to ``last_conv_layer`` are those inference depends on; the others describe
    how the model was made, for people.
    """

    name: str
    input_size: int
    threshold: float
    temperature: float
    uncertain_band: tuple[float, float]
    head_weights: tuple[float, ...]  #: Dense weights from last-conv features to the logit
    head_bias: float
    files: dict[str, ModelFile]  #: by format: ``keras``, ``onnx``
    field_threshold: float | None = None  #: for cells of whole fields (see ``CallRule``)
    healthy_log_odds: tuple[float, float] | None = None  #: (median, MAD), see standardize
    #: whole fields are standardized to ``healthy_log_odds`` (lab adaptation may say not)
    standardize_fields: bool = True
    last_conv_layer: str = "last_conv"
    version: str = ""
    created: str = ""
    input: str = ""
    preprocessing: str = ""
    class_names: tuple[str, ...] = ()
    positive_class: str = ""
    parameters: int = 0
    recipe: Recipe = field(default_factory=Recipe)  #: how the network was trained
    fine_tuned_from: ModelFile | None = None
    trained_on: dict[str, dict[str, int] | int] = field(default_factory=dict)
    split_manifest: ModelFile | None = None  #: ``split.csv`` beside the model: each cell's part
    validation_metrics: ScreeningMetrics | None = None
    test_metrics: ScreeningMetrics | None = None
    #: an adapted model's facts (base model, cells, held-out figures, seal: ``core.adapt``)
    adapted: dict | None = None
    blend: FieldBlend | None = None  #: the base model field cells are also scored by
    views: int = 1  #: each cell is scored by the mean of this many views (``core.views``)
    path: Path | None = field(default=None, compare=False)
    card_sha256: str = field(default="", compare=False)  #: of the file it was read from

    def __post_init__(self) -> None:
        for name, ok, what, value in [
            ("name", bool(self.name), "a name", self.name),
            ("input_size", MIN_INPUT_SIZE <= self.input_size <= MAX_INPUT_SIZE,
             f"from {MIN_INPUT_SIZE} to {MAX_INPUT_SIZE} pixels", self.input_size),
            ("threshold", 0 < self.threshold < 1, "between 0 and 1", self.threshold),
            ("temperature", 0 < self.temperature < math.inf, "above 0", self.temperature),
            ("field_threshold", self.field_threshold is None
             or self.threshold <= self.field_threshold < 1,
             "from the threshold to 1", self.field_threshold),
            ("healthy_log_odds.mad", self.healthy_log_odds is None
             or 0 < self.healthy_log_odds[1] < math.inf, "above 0", self.healthy_log_odds),
            ("head.weights", len(self.head_weights) > 0
             and all(map(math.isfinite, [*self.head_weights, self.head_bias])),
             "finite numbers", list(self.head_weights)),
            ("files", len(self.files) > 0, "one model file or more", self.files),
            ("views", self.views in VIEW_COUNTS, f"one of {VIEW_COUNTS}", self.views),
            ("class_names", self.class_names == CLASS_NAMES, f"{list(CLASS_NAMES)}",
             list(self.class_names)),
            ("positive_class", self.positive_class == CLASS_NAMES[1], repr(CLASS_NAMES[1]),
             self.positive_class),
        ]:
            if not ok:
                raise invalid(self._where, name, what, value)
        check_band(self._where, self.threshold, self.uncertain_band)
        self.recipe.check(self._where)
        named = {f"files.{fmt}": entry for fmt, entry in self.files.items()}
        if self.split_manifest is not None:
            named["split_manifest"] = self.split_manifest
        for name, entry in named.items():
            if not is_plain_name(entry.name):
                raise invalid(self._where, f"{name}.name", "a file name in the card's folder",
                              entry.name)
            if not _SHA256.fullmatch(entry.sha256):
                raise invalid(self._where, f"{name}.sha256", "64 hex digits", entry.sha256)

    @property
    def _where(self) -> str:
        return str(self.path or f"of {self.name}")

    @classmethod
    def from_dict(cls, data: object, path: Path | None = None, card_sha256: str = ""
                  ) -> ModelCard:
        """The card a JSON document holds; one :class:`ModelError` for any wrong value."""
        card = CardValues(data, str(path or "(unsaved)"))
        head, files = card.member("head"), card.member("files")
        healthy = _healthy(card.member("healthy_log_odds", required=False))
        tuned = card.member("fine_tuned_from", required=False)
        manifest = card.member("split_manifest", required=False)
        low, high = card.reals("uncertain_band", length=2)
        weights = head.reals("weights")
        return cls(
            name=card.text("name"), input_size=card.whole("input_size"),
            threshold=card.real("threshold"), temperature=card.real("temperature"),
            uncertain_band=(low, high), head_weights=weights,
            head_bias=head.real("bias"),
            files={fmt: _model_file(files.member(fmt), "name") for fmt in files.data},
            field_threshold=card.real("field_threshold", None),
            healthy_log_odds=healthy,
            last_conv_layer=card.text("last_conv_layer", "last_conv"),
            version=card.text("version", ""), created=card.text("created", ""),
            input=card.text("input", ""), preprocessing=card.text("preprocessing", ""),
            class_names=card.texts("class_names"),
            positive_class=card.text("positive_class", ""),
            parameters=card.whole("parameters", 0), recipe=Recipe.read(card),
            fine_tuned_from=None if tuned is None else _model_file(tuned, "file"),
            trained_on=card.counts("trained_on"),
            split_manifest=None if manifest is None else _model_file(manifest, "file"),
            validation_metrics=_metrics(card, "validation_metrics"),
            test_metrics=_metrics(card, "test_metrics"),
            views=card.whole("views", 1),
            standardize_fields=card.flag("standardize_fields", True),
            adapted=read_adapted(card), blend=read_blend(card, len(weights), healthy), path=path,
            card_sha256=card_sha256,
        )

    def to_dict(self) -> dict:
        """The card as its JSON file holds it."""
        tuned, healthy, manifest = self.fine_tuned_from, self.healthy_log_odds, self.split_manifest
        validation, test = self.validation_metrics, self.test_metrics
        return {
            "name": self.name, "version": self.version, "created": self.created,
            "input_size": self.input_size, "input": self.input,
            "preprocessing": self.preprocessing, "class_names": list(self.class_names),
            "positive_class": self.positive_class, "uncertain_band": list(self.uncertain_band),
            "parameters": self.parameters, "last_conv_layer": self.last_conv_layer,
            "head": {"weights": list(self.head_weights), "bias": self.head_bias},
            **self.recipe.to_dict(),
            "fine_tuned_from": None if tuned is None else {"file": tuned.name,
                                                           "sha256": tuned.sha256},
            "temperature": self.temperature,
            "threshold": self.threshold, "field_threshold": self.field_threshold,
            "healthy_log_odds": None if healthy is None else {"median": healthy[0],
                                                              "mad": healthy[1]},
            "trained_on": self.trained_on,
            **({} if manifest is None else {"split_manifest": {"file": manifest.name,
                                                               "sha256": manifest.sha256}}),
            "validation_metrics": None if validation is None else validation.to_dict(),
            "test_metrics": None if test is None else test.to_dict(),
            "files": {fmt: {"name": entry.name, "sha256": entry.sha256}
                      for fmt, entry in self.files.items()},
            **({} if self.standardize_fields else {"standardize_fields": False}),
            **({} if self.adapted is None else {ADAPTED: self.adapted}),
            **({} if self.blend is None else {BLEND: self.blend.to_dict()}),
            **({} if self.views == 1 else {"views": self.views}),
        }

    @property
    def field_reference(self) -> tuple[float, float] | None:
        """What whole fields' scores are standardized to (None: they are not)."""
        return self.healthy_log_odds if self.standardize_fields else None

    def model_bytes(self, fmt: str) -> bytes:
        """The model file in ``fmt`` (``keras`` or ``onnx``), read once and hash checked."""
        return self._read(fmt)[1]

    def model_file(self, fmt: str) -> Path:
        """Path of the model file in ``fmt``, hash checked (for readers that take a path)."""
        return self._read(fmt)[0]

    def sha256(self, fmt: str) -> str:
        return self.files[fmt].sha256

    def identity(self, fmt: str) -> str:
        """The sha256 records pin the model by: its ``fmt`` file's, or for an adapted model,
        whose own head and thresholds run on its base's file, its card file's (which pins
        that file by its hash)."""
        return self.sha256(fmt) if self.adapted is None else self.card_sha256

    def _read(self, fmt: str) -> tuple[Path, bytes]:
        """Where the model file in ``fmt`` is and its bytes, read once and hash checked."""
        if fmt not in self.files:
            raise ModelError(f"model card {self._where} lists no {fmt} model")
        if self.path is None:
            raise ModelError(f"model card {self._where} was not read from a folder")
        entry, folder = self.files[fmt], self.path.parent
        if self.adapted is not None:  # it runs on its base's file, found by its hash
            return read_base_file(folder, entry.name, entry.sha256, self.adapted["base_model"])
        try:
            data = read_regular_file(folder / entry.name, MAX_MODEL_BYTES, "model file")
        except FileNotFoundError:
            raise ModelError(f"model file missing: {folder / entry.name}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry.sha256:
            raise ModelError(
                f"model file {entry.name} does not match its card (sha256 {actual[:12]}... "
                f"instead of {entry.sha256[:12]}...): it was changed or damaged; reinstall"
            )
        return folder / entry.name, data


def load_card(path: str | os.PathLike[str] | None = None) -> ModelCard:
    """Read and check a card: ``path`` may be the card, a model file beside it, or a folder
    holding it (by default :func:`models_dir`)."""
    path = Path(path) if path else models_dir()
    if not path.exists() and not path.is_symlink():  # a model file's folder would be named
        raise ModelError(f"model not found: {path} (no such file or folder)")
    check_model_path(path)
    card_path = (
        path if is_card_path(path) else (path if path.is_dir() else path.parent) / CARD_NAME
    )
    try:
        raw = read_regular_file(card_path, MAX_CARD_BYTES, "model card")
    except FileNotFoundError:
        raise CardNotFoundError(card_path) from None
    _check_pin(card_path, raw)
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # Notepad writes a BOM
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise ModelError(f"model card unreadable: {card_path}: {reason}") from None
    check_adapted(card_path, data, load_card)
    card = ModelCard.from_dict(data, card_path, hashlib.sha256(raw).hexdigest())
    check_listed(path, [entry.name for entry in card.files.values()], CARD_NAME)
    return card


def _model_file(entry: CardValues, name_key: str) -> ModelFile:
    return ModelFile(entry.text(name_key), entry.text("sha256"))


def _healthy(values: CardValues | None) -> tuple[float, float] | None:
    return None if values is None else (values.real("median"), values.real("mad"))


def _metrics(card: CardValues, key: str) -> ScreeningMetrics | None:
    values = card.member(key, required=False)
    return None if values is None else ScreeningMetrics.from_dict(values)


def _check_pin(card_path: Path, raw: bytes) -> None:
    """The bundled card must be the one this version ships: a changed card could name other
    files with their hashes, and those would pass the model files' own check."""
    if card_path.resolve() != (bundled_dir() / CARD_NAME).resolve():
        return
    actual = hashlib.sha256(raw).hexdigest()
    if actual != BUNDLED_CARD_SHA256:
        raise ModelError(f"the bundled model card {card_path} was changed or damaged (sha256 "
                         f"{actual[:12]}... instead of {BUNDLED_CARD_SHA256[:12]}...); reinstall")

