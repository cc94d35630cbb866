"""The model card: what a model file is, how to feed it, and the hash that pins it.

One loader (:func:`load_card`) finds the card, checks the hash of the model file a backend is
about to open, and returns the facts the classifier needs. A tampered or truncated model is
refused here with a clear message, before any backend parses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.errors import ModelError

CARD_NAME = "model-card.json"
MODELS_ENV = "MALARIASCOPE_MODELS"  # a folder the user chose instead of the bundled model


def models_dir() -> Path:
    """Where the model lives: the folder named by ``MALARIASCOPE_MODELS`` if set, else the
    bundled one, in the source tree and in a PyInstaller bundle alike.

    Models are only ever read from there or from a path given on the command line, never
    fetched; the hash check of the card applies to all of them.
    """
    chosen = os.environ.get(MODELS_ENV)
    if chosen:
        return Path(chosen)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "models"
    return Path(__file__).resolve().parents[2] / "models"


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelCard:
    """The facts of a card that inference depends on, plus the whole card as ``data``."""

    path: Path
    data: dict

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def input_size(self) -> int:
        return int(self.data["input_size"])

    @property
    def threshold(self) -> float:
        return float(self.data["threshold"])

    @property
    def temperature(self) -> float:
        return float(self.data["temperature"])

    @property
    def uncertain_band(self) -> tuple[float, float]:
        low, high = self.data["uncertain_band"]
        return float(low), float(high)

    @property
    def field_threshold(self) -> float | None:
        """The threshold for cells of whole fields, where counts must be fair (see
        ``training.calibrate.choose_count_threshold``); ``None`` on older cards."""
        value = self.data.get("field_threshold")
        return None if value is None else float(value)

    @property
    def healthy_log_odds(self) -> tuple[float, float] | None:
        """Median and MAD of the uninfected validation cells' log-odds, which a whole field's
        scores are brought to (see ``core.fields.standardize``); ``None`` on older cards."""
        value = self.data.get("healthy_log_odds")
        return None if value is None else (float(value["median"]), float(value["mad"]))

    @property
    def head(self) -> tuple[list[float], float]:
        """Dense weights and bias mapping last-conv features to the logit (for Grad-CAM)."""
        return self.data["head"]["weights"], float(self.data["head"]["bias"])

    def model_file(self, fmt: str) -> Path:
        """Path of the model file in ``fmt`` (``keras`` or ``onnx``), hash checked."""
        try:
            entry = self.data["files"][fmt]
        except KeyError:
            raise ModelError(f"model card {self.path} lists no {fmt} model") from None
        path = self.path.parent / entry["name"]
        if not path.is_file():
            raise ModelError(f"model file missing: {path}")
        actual = sha256_of(path)
        if actual != entry["sha256"]:
            raise ModelError(
                f"model file {path.name} does not match its card (sha256 {actual[:12]}... "
                f"instead of {entry['sha256'][:12]}...): it was changed or damaged; reinstall"
            )
        return path

    def sha256(self, fmt: str) -> str:
        return self.data["files"][fmt]["sha256"]


def load_card(path: str | os.PathLike[str] | None = None) -> ModelCard:
    """Load a card: ``path`` may be the card, a model file beside it, or a folder holding it."""
    path = Path(path) if path else models_dir()
    card_path = (
        path if path.suffix == ".json" else (path if path.is_dir() else path.parent) / CARD_NAME
    )
    try:
        data = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model card not found: {card_path}") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"model card unreadable: {card_path}: {exc}") from exc
    missing = {"name", "input_size", "threshold", "temperature", "files", "head"} - data.keys()
    if missing:
        raise ModelError(f"model card {card_path} lacks {', '.join(sorted(missing))}")
    _check_listed(path, card_path, data)
    return ModelCard(card_path, data)


def _check_listed(path: Path, card_path: Path, data: dict) -> None:
    """A model file given by name must be one its card lists: another one beside it (a copy,
    an older export) was silently passed over for the file the card names."""
    if path.suffix == ".json" or path.is_dir():
        return
    listed = [entry.get("name") for entry in data["files"].values() if isinstance(entry, dict)]
    if path.name not in listed:
        raise ModelError(f"{path} is not a model its card {card_path.name} lists "
                         f"({', '.join(map(str, listed))}): give one of those, or the folder")


def card_markdown(data: dict) -> str:
    """The card for people: what the model is, what it was trained on, how well it does."""
    metrics = data.get("test_metrics", {})
    trained = data.get("trained_on", {})
    counts = " / ".join(
        f"{part} {sum(trained[part].values()):,}"
        for part in ("train", "validation", "test")
        if part in trained
    )
    lines = [
        f"# Model card: {data['name']} {data.get('version', '')}",
        "",
        "A screening aid, not a diagnosis: every call is for a trained technician to review.",
        "",
        "| | |",
        "|---|---|",
        f"| created | {data.get('created', '')} |",
        f"| input | {data['input_size']} px square RGB; {data.get('preprocessing', '')} |",
        f"| classes | {', '.join(data.get('class_names', []))} (positive: parasitized) |",
        f"| parameters | {data.get('parameters', 0):,} |",
        f"| cells (by slide) | {counts} |",
        f"| threshold | {data['threshold']:.4f} (chosen on validation slides) |",
        f"| temperature | {data['temperature']:.3f} (fitted on validation slides) |",
        f"| uncertain band | {data['uncertain_band'][0]:.3f} to {data['uncertain_band'][1]:.3f} |",
        *_field_threshold_row(data),
        *_healthy_row(data),
        f"| training | {data.get('epochs_run', '?')} epochs, seed {data.get('seed', '?')}, "
        f"{data.get('training_seconds', 0) / 60:.1f} min on CPU |",
        *_fine_tuning_row(data),
        "",
        "## Test split (slides never seen in training)",
        "",
        "| accuracy | sensitivity | specificity | precision | F1 | ROC AUC | ECE | n |",
        "|---|---|---|---|---|---|---|---|",
        "| "
        + " | ".join(
            f"{metrics.get(k, float('nan')):.4f}"
            for k in ("accuracy", "sensitivity", "specificity", "precision", "f1", "auc", "ece")
        )
        + f" | {metrics.get('n', 0)} |",
        "",
        "## Files",
        "",
    ]
    lines += [
        f"- `{entry['name']}` sha256 `{entry['sha256']}`"
        for entry in data.get("files", {}).values()
    ]
    return "\n".join(lines) + "\n"


def _field_threshold_row(data: dict) -> list[str]:
    """The threshold for cells of whole fields, on cards that have one."""
    if data.get("field_threshold") is None:
        return []
    return [f"| field threshold | {data['field_threshold']:.4f} (cells of whole fields: the least"
            " biased parasitemia on validation slides) |"]


def _healthy_row(data: dict) -> list[str]:
    """Where whole fields' scores are brought to, on cards that say."""
    healthy = data.get("healthy_log_odds")
    if healthy is None:
        return []
    return [f"| healthy cells' log-odds | median {healthy['median']:.3f}, MAD {healthy['mad']:.3f}"
            " (uninfected validation cells; whole fields are standardized to them) |"]


def _fine_tuning_row(data: dict) -> list[str]:
    """The card row naming the model a fine-tuning run started from (none for a fresh run)."""
    start = data.get("fine_tuned_from")
    if not start:
        return []
    return [f"| fine-tuned from | `{start['file']}` sha256 `{start['sha256'][:16]}…` at "
            f"learning rate {data.get('learning_rate', float('nan')):g} |"]
