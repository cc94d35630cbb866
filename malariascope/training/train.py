"""``malariascope train``: rebuild the model from ``ROOT/{train,test}/{class}`` or the class
folders as published (split here by slide, see ``core.split``).

Steps: decode all cells once, hold out whole slides of the training part for validation, fit
with augmentation and early stopping (several small networks side by side when asked, joined
into one model, see ``training.ensemble``), calibrate (temperature) and choose the threshold
on the validation part, score the test part once, then export the Keras and ONNX models with
their card and the split's manifest.
"""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from malariascope.core import calibration
from malariascope.core.atomic import Commit, at_once
from malariascope.core.classifier import calibrated
from malariascope.core.dataset import LabelledImages
from malariascope.core.errors import ModelError
from malariascope.core.fields.standardize import median_and_mad
from malariascope.core.metrics import screening_metrics
from malariascope.core.modelcard import ModelCard, ModelFile
from malariascope.core.modelfiles import sha256_of
from malariascope.core.recipe import PARASITE_SHARE, Recipe
from malariascope.core.split import MANIFEST_NAME, refuse_among_cells
from malariascope.core.words import counted
from malariascope.training.augment import augmented_batches
from malariascope.training.averaging import WeightAverage
from malariascope.training.callbacks import Checked, StopWhenAsked, get_callbacks
from malariascope.training.data import (
    VALIDATION_FRACTION,
    load_arrays,
    read_split,
    split_by_slide,
    split_manifest,
)
from malariascope.training.ensemble import ENSEMBLE, combine, side_by_side
from malariascope.training.export import export_model, model_folder
from malariascope.training.initfile import checked_init_file
from malariascope.training.losses import TrimmedCrossEntropy
from malariascope.training.model import LOGIT, build_model
from malariascope.training.progress import EpochProgress
from malariascope.training.review import LabelReview


@dataclass
class TrainConfig:
    """Everything a training run depends on; recorded in the model card."""

    data_root: Path
    out_dir: Path
    epochs: int = 15
    seed: int = 1  # draws the initial weights, the augmentation and the batches
    split_seed: int | None = None  # draws validation and published-layout test slides
    input_size: int = 64
    batch_size: int = 64
    learning_rate: float = 2e-3
    validation_fraction: float = VALIDATION_FRACTION
    members: int = 1  # networks trained side by side and joined into one (see training.ensemble)
    width: float = 1.0  # each network's share of the base network's filters
    patience: int = 5  # epochs without a better validation AUC before training stops
    trim: float = 0.0  # share of each batch's highest losses left out (see training.losses)
    overlap: float = 0.0  # share of cells with a healthy neighbour laid across them
    streaks: float = 0.0  # share of cells with a stained streak drawn across them
    parasites: float = PARASITE_SHARE  # share of healthy cells given a synthetic parasite
    init_model: Path | None = None  # a .keras model to fine-tune instead of fresh weights
    overwrite: bool = False  # replace a model already in out_dir
    test_per_class: int | None = None  # test size of the published layout's split
    strict_split: bool = False  # refuse test slides that train/ has too
    label_review: Path | None = None  # cells left out whose label a review contradicts
    average_from: int | None = None  # keep the mean of the weights from this epoch on (SWA)


def train(config: TrainConfig, log=print, stop: threading.Event | None = None,
          commit: Commit = at_once, checked: Checked = nullcontext) -> ModelCard:
    """Run a whole training; returns the model card written beside the models. Once ``stop``
    is set, KeyboardInterrupt ends the run at its next step or batch; the fit and predictions
    run inside ``checked``. The renames that place the model are made through ``commit``. An
    ``out_dir`` among the cells is refused before any folder is made or cell decoded."""
    if config.average_from is not None and config.average_from > config.epochs:
        raise ModelError(f"--average-from {config.average_from} is after the last epoch "
                         f"({config.epochs})")
    refuse_among_cells(config.out_dir, config.data_root, "the model")
    with model_folder(config.out_dir, config.overwrite):
        return _train(config, log, StopWhenAsked(stop, commit, checked))


def _train(config: TrainConfig, log, asked: StopWhenAsked) -> ModelCard:
    """The run itself, once the output folder is known to take the model."""
    started = time.monotonic()
    init_file = None if config.init_model is None else checked_init_file(config.init_model)
    keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()
    split_seed = config.seed if config.split_seed is None else config.split_seed
    split = read_split(config.data_root, config.test_per_class, split_seed,
                       config.strict_split, log)
    train_images, test_images = split.train, split.test
    fit_idx, val_idx = split_by_slide(train_images, config.validation_fraction, split_seed)
    fit_idx, val_idx, reviewed_out = _reviewed(config.label_review, train_images, fit_idx,
                                               val_idx, log)
    log(f"trimming {config.trim:.0%} of each batch's highest losses" if config.trim else
        "plain cross-entropy")
    log(f"train {len(fit_idx)} / validation {len(val_idx)} "
        f"(by slide, seed {split_seed}) / test {len(test_images)}")
    members = _initial_members(init_file, config)
    x_train, y_train = load_arrays(train_images, config.input_size)
    x_test, y_test = load_arrays(test_images, config.input_size)
    log(f"decoded {counted(len(x_train) + len(x_test), 'cell')} in "
        f"{time.monotonic() - started:.0f} s")
    asked.check()

    history = _fit(members, (x_train[fit_idx], y_train[fit_idx]),
                   (x_train[val_idx], y_train[val_idx]), config, log, asked)
    asked.check()
    model = combine(members)

    logits_of = keras.Model(model.inputs, model.get_layer(LOGIT).output)
    val_logits = _logits(logits_of, x_train[val_idx], asked)
    temperature = calibration.fit_temperature(val_logits, y_train[val_idx])
    val_probs = calibrated(val_logits, temperature)
    threshold = calibration.choose_threshold(val_probs, y_train[val_idx])
    test_logits = _logits(logits_of, x_test, asked)
    test_metrics = screening_metrics(y_test, calibrated(test_logits, temperature), threshold)
    log(f"temperature {temperature:.3f}, threshold {threshold:.4f}; test {test_metrics.brief()}")

    manifest = split_manifest(split, fit_idx, val_idx, reviewed_out)
    facts = {
        "recipe": _recipe(config, len(history.epoch), len(reviewed_out), started,
                          fine_tuned=init_file is not None),
        "fine_tuned_from": _describe(init_file),
        "temperature": temperature,
        "threshold": threshold,
        "field_threshold": max(threshold, calibration.choose_count_threshold(val_probs,
                                                                           y_train[val_idx])),
        "healthy_log_odds": _healthy_log_odds(val_probs[y_train[val_idx] == 0]),
        "trained_on": {
            "train": _counts(y_train[fit_idx]),
            "validation": _counts(y_train[val_idx]),
            "test": _counts(y_test),
            "validation_slides": len(set(np.asarray(train_images.slides)[val_idx])),
            **split.facts(),
        },
        "split_manifest": ModelFile(MANIFEST_NAME, hashlib.sha256(manifest).hexdigest()),
        "validation_metrics": screening_metrics(y_train[val_idx], val_probs, threshold),
        "test_metrics": test_metrics,
    }
    asked.check()
    return export_model(model, config.out_dir, facts, sample_inputs=x_test[:64],
                        manifest=manifest, commit=asked.commit)


def _fit(members: list[keras.Model], fit: tuple[np.ndarray, np.ndarray],
         validation: tuple[np.ndarray, np.ndarray], config: TrainConfig,
         log, asked: StopWhenAsked) -> keras.callbacks.History:
    """Fit on augmented batches with a cosine learning-rate decay over the whole run; early
    stopping watches the validation AUC and keeps the best epoch's weights (``get_callbacks``),
    unless the weights are averaged from ``config.average_from`` on (``WeightAverage``).
    A stop ``asked`` for ends the fit after the batch under way."""
    steps = int(np.ceil(len(fit[0]) / config.batch_size))
    data = augmented_batches(*fit, config.seed, config.batch_size, overlap=config.overlap,
                             streaks=config.streaks, parasites=config.parasites)
    model, data, validation, monitor = _trainable(members, data, validation)
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(
                config.learning_rate, decay_steps=config.epochs * steps, alpha=0.02
            )
        ),
        loss=_losses(validation[1], config.trim),
        metrics={ENSEMBLE: _metrics()} if len(members) > 1 else _metrics(),
    )
    progress = EpochProgress(config.epochs, steps, log)
    averaging = [] if config.average_from is None else [
        WeightAverage(config.average_from, data.take(steps))]
    with asked.checked():
        return model.fit(data, validation_data=validation, epochs=config.epochs,
                         steps_per_epoch=steps, verbose=0,
                         callbacks=[*get_callbacks(monitor, config.patience), *averaging,
                                    progress, asked])


def _logits(logits_of: keras.Model, x: np.ndarray, asked: StopWhenAsked) -> np.ndarray:
    """The logits of ``x``; a stop asked for ends the prediction after the batch under way."""
    with asked.checked():
        return logits_of.predict(x, batch_size=256, verbose=0, callbacks=[asked])[:, 0]


def _trainable(members: list[keras.Model], data: tf.data.Dataset,
               validation: tuple[np.ndarray, np.ndarray]
               ) -> tuple[keras.Model, tf.data.Dataset, tuple, str]:
    """The model to fit, its data and validation labels, and the metric early stopping watches.

    Several members train side by side on the same batches, each on its own loss; the AUC
    watched is then that of their mean logit, the output :data:`ENSEMBLE` (see
    ``ensemble.side_by_side``). Every output is given the labels."""
    if len(members) == 1:
        return members[0], data, validation, "val_auc"
    model = side_by_side(members)

    def per_output(labels: tf.Tensor | np.ndarray) -> dict:
        return dict.fromkeys(model.output_names, labels)

    return (model, data.map(lambda x, y: (x, per_output(y))),
            (validation[0], per_output(validation[1])), f"val_{ENSEMBLE}_auc")


def _losses(labels: np.ndarray | dict, trim: float) -> keras.losses.Loss | dict:
    """One cross-entropy, or one per member's output (the ensemble's takes no loss)."""
    if isinstance(labels, dict):
        return {name: TrimmedCrossEntropy(trim) for name in labels if name != ENSEMBLE}
    return TrimmedCrossEntropy(trim)


def _metrics() -> list[keras.metrics.Metric]:
    return [keras.metrics.AUC(name="auc"), keras.metrics.BinaryAccuracy(name="accuracy")]


def _initial_members(init_file: Path | None, config: TrainConfig) -> list[keras.Model]:
    """Fresh members, or the one model of ``init_file`` (hash checked) to fine-tune."""
    if init_file is None:
        return [build_model(config.input_size, width=config.width)
                for _ in range(config.members)]
    if config.members > 1 or config.width != 1.0:
        raise ModelError("fine-tuning continues one model as it is: leave out --members and "
                         "--width")
    return [_initial_model(init_file, config.input_size)]


def _initial_model(init_file: Path, input_size: int) -> keras.Model:
    """The weights of ``init_file`` to fine-tune, opened in safe mode before the cells are
    decoded, so a wrong file is told at once."""
    try:
        model = keras.models.load_model(init_file, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types on a bad archive
        raise ModelError(f"cannot load {init_file} to fine-tune: {exc}") from exc
    if model.input_shape[1:3] != (input_size, input_size):
        raise ModelError(f"{init_file} takes {model.input_shape[1]} px inputs, not "
                         f"{input_size}: pass --input-size {model.input_shape[1]}")
    return model


def _reviewed(review_file: Path | None, images: LabelledImages, fit: np.ndarray,
              validation: np.ndarray, log) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fitting and validation cells without those a label review contradicts, and the
    cells it left out."""
    if review_file is None:
        return fit, validation, np.array([], dtype=fit.dtype)
    review = LabelReview.read(review_file)
    kept_fit, kept_validation = review.kept(images, fit), review.kept(images, validation)
    left_out = np.setdiff1d(np.concatenate([fit, validation]),
                            np.concatenate([kept_fit, kept_validation]))
    log(f"left out {counted(len(left_out), 'cell')} whose label the review {review_file.name} "
        f"contradicts ({len(validation) - len(kept_validation)} of them on the validation "
        "slides)")
    return kept_fit, kept_validation, left_out


def _healthy_log_odds(probabilities: np.ndarray) -> tuple[float, float] | None:
    """Median and MAD of the healthy validation cells' log-odds, which whole fields' scores
    are brought to (see ``core.fields.standardize``); None when they all score alike."""
    median, mad = (round(value, 4) for value in median_and_mad(probabilities))
    return (median, mad) if mad > 0 else None


def _recipe(config: TrainConfig, epochs_run: int, reviewed_out: int, started: float,
            fine_tuned: bool) -> Recipe:
    """The card's record of the run's settings and size: ``reviewed_out`` cells left out by
    a label review, the run ``started`` at that :func:`time.monotonic`. A ``fine_tuned`` run
    trains the network it started from, so the members and width asked are not recorded."""
    return Recipe(
        seed=config.seed, split_seed=config.split_seed, learning_rate=config.learning_rate,
        epochs_run=epochs_run, trim=config.trim, overlap=config.overlap,
        streaks=config.streaks, parasites=config.parasites,
        average_from=config.average_from,
        reviewed_out=reviewed_out if config.label_review else None,
        training_seconds=round(time.monotonic() - started, 1),
        **({} if fine_tuned else {"members": config.members, "member_width": config.width}),
    )


def _describe(path: Path | None) -> ModelFile | None:
    """Name and sha256 of the model a run started from, for the card."""
    return None if path is None else ModelFile(Path(path).name, sha256_of(path))


def _counts(labels: np.ndarray) -> dict[str, int]:
    positives = int(np.sum(labels))
    return {"parasitized": positives, "uninfected": int(len(labels)) - positives}

