"""The model card for people: the ``README.md`` written beside a model and its card."""

from __future__ import annotations

import math

from malariascope.core.metrics import RATES
from malariascope.core.modelcard import ModelCard
from malariascope.core.recipe import PARASITE_SHARE, Recipe


def card_markdown(card: ModelCard) -> str:
    """What the model is, what it was trained on, how well it does, and its files."""
    counts = " / ".join(f"{part} {sum(card.trained_on[part].values()):,}"
                        for part in ("train", "validation", "test")
                        if isinstance(card.trained_on.get(part), dict))
    low, high = card.uncertain_band
    lines = [
        f"# Model card: {card.name} {card.version}",
        "",
        "A screening aid, not a diagnosis: every call is for a trained technician to review.",
        "",
        "| | |",
        "|---|---|",
        f"| created | {card.created} |",
        f"| input | {card.input_size} px square RGB; {card.preprocessing} |",
        f"| classes | {', '.join(card.class_names)} (positive: parasitized) |",
        f"| parameters | {card.parameters:,} |",
        f"| cells (by slide) | {counts} |",
        f"| threshold | {card.threshold:.4f} (chosen on validation slides) |",
        f"| temperature | {card.temperature:.3f} (fitted on validation slides) |",
        f"| uncertain band | {low:.3f} to {high:.3f} |",
        *_field_rows(card),
        f"| training | {_training(card.recipe)} |",
        *_fine_tuning_row(card),
        "",
        f"## Test split ({_test_slides(card)})",
        "",
        "| accuracy | sensitivity | specificity | precision | F1 | ROC AUC | ECE | n |",
        "|---|---|---|---|---|---|---|---|",
        _metrics_row(card),
        "",
        "## Files",
        "",
        *(f"- `{entry.name}` sha256 `{entry.sha256}`" for entry in card.files.values()),
        *_manifest_line(card),
        "",
        "The app pins its bundled card by the card's own sha256 (`BUNDLED_CARD_SHA256` in",
        "`malariascope/core/modelcard.py`): a model put in `models/` needs that constant",
        "updated with it, or the app refuses it as changed.",
    ]
    return "\n".join(lines) + "\n"


def _or_unknown(value: int | None) -> str:
    return "?" if value is None else str(value)


def _training(recipe: Recipe) -> str:
    """The run in words: epochs, seeds, networks, trimming, hard cases drawn, label review,
    weight averaging and time; parts a plain run does not have are left out."""
    split = "" if recipe.split_seed is None else f" (validation slides: seed {recipe.split_seed})"
    trimmed = f"{recipe.trim:.0%} of each batch's highest losses left out, " if recipe.trim else ""
    overlaid = (f"a healthy cell laid across {recipe.overlap:.0%} of the cells, "
                if recipe.overlap else "")
    streaked = f"a stained streak across {recipe.streaks:.0%}, " if recipe.streaks else ""
    parasites = ("" if recipe.parasites == PARASITE_SHARE else
                 f"synthetic parasites on {recipe.parasites:.0%} of the healthy cells, ")
    reviewed = ("" if recipe.reviewed_out is None else
                f"{recipe.reviewed_out} cells left out whose label a review contradicts, ")
    averaged = ("" if recipe.average_from is None else
                f"the mean of the weights from epoch {recipe.average_from} on, ")
    return (f"{_or_unknown(recipe.epochs_run)} epochs, seed {_or_unknown(recipe.seed)}{split}, "
            f"{_members(recipe)}{trimmed}{overlaid}{streaked}{parasites}{reviewed}{averaged}"
            f"{(recipe.training_seconds or 0) / 60:.1f} min on CPU")


def _members(recipe: Recipe) -> str:
    """How many networks were trained side by side into the model, when more than one."""
    if (recipe.members or 1) == 1:
        return ""
    width = "" if recipe.member_width is None else f" of width {recipe.member_width:g}"
    return f"{recipe.members} networks{width} side by side, "


def _field_rows(card: ModelCard) -> list[str]:
    """The threshold for cells of whole fields and where their scores are brought to, on
    cards that have them."""
    rows = []
    if card.field_threshold is not None:
        rows.append(f"| field threshold | {card.field_threshold:.4f} (cells of whole fields: the"
                    " least biased parasitemia on validation slides) |")
    if card.healthy_log_odds is not None:
        median, mad = card.healthy_log_odds
        rows.append(f"| healthy cells' log-odds | median {median:.3f}, MAD {mad:.3f} (uninfected"
                    " validation cells; whole fields are standardized to them) |")
    return rows


def _test_slides(card: ModelCard) -> str:
    """The test heading's words: whether its slides were kept out of training."""
    shared = card.trained_on.get("test_slides_shared_with_train")
    if card.trained_on.get("test_slides") == 0:
        return "file names without slide ids: not known to be kept out of training"
    if not shared:
        return "slides never seen in training"
    return (f"{shared} of {card.trained_on.get('test_slides', '?')} test slides also in training: "
            "these figures read higher than on new patients")


def _manifest_line(card: ModelCard) -> list[str]:
    """The split manifest among the files, on cards that have one."""
    entry = card.split_manifest
    return [] if entry is None else [f"- `{entry.name}` sha256 `{entry.sha256}` (each cell's "
                                     "part: train, validation or test)"]


def _fine_tuning_row(card: ModelCard) -> list[str]:
    """The row naming the model a fine-tuning run started from (none for a fresh run)."""
    start = card.fine_tuned_from
    if start is None:
        return []
    rate = math.nan if card.recipe.learning_rate is None else card.recipe.learning_rate
    return [f"| fine-tuned from | `{start.name}` sha256 `{start.sha256[:16]}…` at "
            f"learning rate {rate:g} |"]


def _metrics_row(card: ModelCard) -> str:
    """The test metrics as a table row (NaN where the card has none)."""
    metrics = card.test_metrics
    figures = [math.nan] * len(RATES) if metrics is None else [getattr(metrics, name)
                                                               for name in RATES]
    n = 0 if metrics is None else metrics.n
    return "| " + " | ".join(f"{value:.4f}" for value in figures) + f" | {n} |"
