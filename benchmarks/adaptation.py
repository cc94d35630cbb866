"""Lab adaptation measured by cross-validation over the 30 shared fields, by field.

Each field is measured by a model adapted without it (leave one field out by default), and
the base model (bundled, or ``--model``) is measured on the same cells:

1. Whole fields: adapted on the other fields' cells as screening finds them, labelled by the
   annotation (``AnnotatedFields``); measured (a) on the held-out fields' found cells, as
   ``adapt`` measures itself, and (b) as ``evaluate-fields`` measures (every annotated cell
   cropped from its box, also those the finder misses; balanced accuracy at the screening
   threshold, AUC). Goals: balanced accuracy >= 0.95, AUC >= 0.985.
2. Counts: each held-out field screened by the real pipeline; its parasitized count is the
   found cells touching an annotated box and called parasitized (field threshold), against
   the annotated parasitized cells not cut by the border. Groups of 20 fields are random
   subsets of the 30 held-out fields (each field's count from the model that never saw it;
   the subsets overlap, so this estimates the chance that a 20-field slide reads within 25 %,
   it is not 1,000 independent slides). Goal: within 25 % in at least half of the groups.
3. Plain box crops: the annotated boxes cut out as rectangles, written as class folders in a
   temporary directory (a subfolder per field), adapted on the other fields' crops and
   measured on the held-out field's crops as single cells. Goal: balanced accuracy >= 0.93.
4. The NIH test split through the bundled model, and the bundled files' hashes before and
   after: adaptation never alters them. With ``--model`` only the hashes: the test split is
   not looked at again for a candidate.

Every model here runs the base network; only the head differs. So the network's pooled
features are computed once per distinct cell input and kept in memory (``FeatureStore``), and
each model applies its own card's head to them: the real ``Classifier``, pipeline and fitting
code run unchanged, without evaluating the network again for every fold.

    OPENBLAS_NUM_THREADS=1 python benchmarks/adaptation.py [--folds 30] [--groups 1000]
        [--cache /tmp/adaptation-features.npz] [--model CANDIDATE_FOLDER]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from malariascope.core.adapt.card import adapted_card
from malariascope.core.adapt.cells import LabelledCells, group_folds
from malariascope.core.adapt.features import read_sources
from malariascope.core.adapt.fit import Calibration, calibrate
from malariascope.core.adapt.measure import held_out
from malariascope.core.adapt.sources import AnnotatedFields, ClassFolders
from malariascope.core.atomic import atomic_path
from malariascope.core.backends.onnx_backend import card_heads
from malariascope.core.classifier import Classifier
from malariascope.core.evaluate import evaluate_folder
from malariascope.core.fields.annotations import annotated_images, load_annotations
from malariascope.core.fields.boxes import box_iou
from malariascope.core.fields.mask import FieldParams
from malariascope.core.fields.scoring import cut_by_border, score_fields
from malariascope.core.imageio import read_image
from malariascope.core.metrics import screening_metrics
from malariascope.core.modelcard import CARD_NAME, ModelCard
from malariascope.core.modelfiles import bundled_dir, sha256_of
from malariascope.core.pipeline import screen
from malariascope.core.screening import score_images
from malariascope.core.tally import PARASITIZED

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIELDS = DATA / "fields"


class FeatureStore:
    """The base network's pooled features of each distinct cell input, computed once, and
    kept in ``cache`` (an .npz) between runs when one is given."""

    def __init__(self, backend, cache: Path | None = None, model: str = "") -> None:
        self._backend = backend
        self._features: dict[bytes, np.ndarray] = {}
        self._cache, self._model = cache, model
        if cache is not None and cache.is_file():
            with np.load(cache) as stored:
                if "model" not in stored or str(stored["model"]) != model:
                    raise SystemExit(f"{cache} holds another model's features: delete it")
                self._features = dict(zip((bytes(key) for key in stored["keys"]),
                                          stored["features"], strict=True))

    def save(self) -> None:
        """Write the features and the model's sha256 to the cache (renamed into place, so a
        stopped run leaves the old cache whole)."""
        if self._cache is None or not self._features:
            return
        self._cache.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(self._cache, ".npz") as temp:
            np.savez(temp, model=self._model,
                     keys=np.array(list(self._features), dtype="S16"),
                     features=np.stack(list(self._features.values())))

    def pooled(self, batch: np.ndarray) -> np.ndarray:
        keys = [hashlib.blake2b(cell.tobytes(), digest_size=16).digest() for cell in batch]
        new = {key: i for i, key in enumerate(keys) if key not in self._features}
        if new:
            computed = self._backend.features(batch[list(new.values())])
            self._features.update(zip(new, computed, strict=True))
        return np.stack([self._features[key] for key in keys])


class StoredFeaturesBackend:
    """A card's heads on the stored features, as the ONNX backend applies them: logits (the
    class map's mean plus the bias); the class maps are those logits less the bias, as 1 x 1
    maps (the benchmark draws none)."""

    name = "onnx"

    def __init__(self, store: FeatureStore, card: ModelCard) -> None:
        self._store = store
        self.model_sha256 = card.sha256("onnx")
        self._weights, self._bias = card_heads(card)

    def run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logits, maps = self.run_heads(batch)
        return logits[:, 0], maps[..., 0]

    def run_heads(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        weighted = self.features(batch) @ self._weights
        return weighted + self._bias, weighted[:, None, None].astype(np.float32)

    def features(self, batch: np.ndarray) -> np.ndarray:
        return self._store.pooled(batch)


def with_store(store: FeatureStore, card: ModelCard) -> Classifier:
    return Classifier(StoredFeaturesBackend(store, card), card)


def adapted_classifier(base: Classifier, calibration: Calibration, folder: Path,
                       store: FeatureStore) -> Classifier:
    """The adapted model as ``Classifier.open`` gives it, its card built in memory."""
    card = ModelCard.from_dict(adapted_card(base.card, calibration, {}), folder / CARD_NAME)
    return with_store(store, card)


def cross_validated(cells: LabelledCells, base: Classifier, folds: int, measure,
                    store: FeatureStore) -> list:
    """``measure(classifier, held_out_groups)`` for the base and for each fold's adapted
    model; returns ``[(base result, adapted result) per fold]``."""
    fold = group_folds(cells.groups, cells.labels, folds)
    base_calibration = Calibration.of_card(base.card)
    out = []
    with tempfile.TemporaryDirectory() as scratch:
        for f in range(folds):
            held = sorted(set(cells.groups[fold == f]))
            calibration = calibrate(cells.subset(fold != f), base_calibration)
            adapted = adapted_classifier(base, calibration, Path(scratch), store)
            out.append((measure(base, held), measure(adapted, held)))
    return out


def field_measure(items: dict[str, tuple[Path, list]]):
    """Per held-out field: annotated-box scores (evaluate-fields) and the pipeline's count."""
    def measure(classifier: Classifier, held: list[str]) -> list[dict]:
        rows = []
        for group in held:
            path, cells = items[group]
            (score,) = score_fields([(path, cells)], classifier)
            rows.append({"labels": score.labels, "probabilities": score.probabilities,
                         "threshold": classifier.rule.threshold,
                         **count_of(path, cells, classifier)})
        return rows
    return measure


def count_of(path: Path, cells: list, classifier: Classifier) -> dict:
    """The pipeline's parasitized count among found cells touching an annotated box, and the
    annotated parasitized cells a finder can find (not cut by the border)."""
    results = [r for r in screen([path], classifier, mode="field") if r.probability is not None]
    kept = [c for c in cells if not c.difficult]
    touching = (box_iou([r.box for r in results], [c.box for c in kept]) > 0).any(axis=1)
    called = sum(classifier.rule.call(r.probability, in_field=True) == PARASITIZED
                 for r, touches in zip(results, touching, strict=True) if touches)
    shape = read_image(path).shape
    annotated = sum(c.parasitized and not cut_by_border(c.box, shape, FieldParams().margin_px)
                    for c in cells)
    return {"counted": int(called), "annotated": int(annotated)}


def plain_measure(crops: dict[str, tuple[list[np.ndarray], list[int]]]):
    """Per held-out field: its plain box crops scored as single cells."""
    def measure(classifier: Classifier, held: list[str]) -> list[dict]:
        rows = []
        for group in held:
            images, labels = crops[group]
            rows.append({"labels": np.asarray(labels), "threshold": classifier.rule.threshold,
                         "probabilities": score_images(images, classifier)})
        return rows
    return measure


def pooled(rows: list[dict]) -> dict:
    """Balanced accuracy (each row at its own model's threshold) and pooled AUC."""
    labels = np.concatenate([r["labels"] for r in rows])
    flagged = np.concatenate([r["probabilities"] >= r["threshold"] for r in rows])
    probabilities = np.concatenate([r["probabilities"] for r in rows])
    auc = screening_metrics(labels, probabilities, 0.5).auc
    sensitivity = flagged[labels == 1].mean()
    specificity = (~flagged[labels == 0]).mean()
    return {"auc": auc, "sensitivity": sensitivity, "specificity": specificity,
            "balanced_accuracy": (sensitivity + specificity) / 2, "n": labels.size,
            "parasitized": int(labels.sum())}


def groups_within(rows: list[dict], size: int, draws: int, tolerance: float = 0.25) -> tuple:
    """Fraction of random ``size``-field groups whose count is within ``tolerance`` of the
    annotated count, and the total count against the annotated total."""
    counted = np.array([r["counted"] for r in rows])
    annotated = np.array([r["annotated"] for r in rows])
    rng = np.random.default_rng(0)
    within = 0
    for _ in range(draws):
        chosen = rng.choice(len(rows), size, replace=False)
        truth = annotated[chosen].sum()
        within += abs(counted[chosen].sum() - truth) <= tolerance * truth
    return within / draws, int(counted.sum()), int(annotated.sum())


def write_plain_crops(items: dict[str, tuple[Path, list]], root: Path
                      ) -> dict[str, tuple[list[np.ndarray], list[int]]]:
    """Each annotated (not difficult) box cut out as a rectangle; written as class folders
    ``root/{parasitized,uninfected}/<field>/`` and returned per field."""
    crops = {}
    for name, (path, cells) in items.items():
        image, images, labels = read_image(path), [], []
        for i, cell in enumerate(c for c in cells if not c.difficult):
            x, y, w, h = cell.box
            crop = np.ascontiguousarray(image[max(0, y):y + h, max(0, x):x + w])
            folder = root / ("parasitized" if cell.parasitized else "uninfected") / path.stem
            folder.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(folder / f"cell{i}.png"), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
            images.append(crop)
            labels.append(int(cell.parasitized))
        crops[name] = (images, labels)
    return crops


def show(title: str, results: list, extra=None) -> None:
    print(f"\n{title}")
    for side, name in ((0, "base"), (1, "adapted")):
        rows = [row for fold in results for row in fold[side]]
        figures = pooled(rows)
        line = (f"  {name:8s} balanced accuracy {figures['balanced_accuracy']:.4f}  AUC "
                f"{figures['auc']:.4f}  sensitivity {figures['sensitivity']:.4f}  "
                f"specificity {figures['specificity']:.4f}  (n {figures['n']}, "
                f"{figures['parasitized']} parasitized)")
        print(line)
        if extra:
            print("           " + extra(rows))


def bundled_hashes() -> dict[str, str]:
    return {p.name: sha256_of(p) for p in sorted(bundled_dir().iterdir()) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=30, help="folds by field (30: one each)")
    parser.add_argument("--groups", type=int, default=1000, help="random 20-field groups")
    parser.add_argument("--cache", type=Path, help="an .npz keeping the network's features "
                        "between runs (refused when the base model changed)")
    parser.add_argument("--model", help="the base model to adapt (default: the bundled one)")
    args = parser.parse_args()
    started, hashes = time.monotonic(), bundled_hashes()
    base_model = Classifier.open(args.model)
    store = FeatureStore(base_model.backend, args.cache, base_model.card.sha256("onnx"))
    base = with_store(store, base_model.card)
    annotations = load_annotations(FIELDS / "annotations.json")
    paths, _ = annotated_images(FIELDS, annotations)
    items = {f"{FIELDS}:{p.name}": (p, cells) for p, cells in paths}  # as sources name groups

    cells, _ = read_sources([AnnotatedFields(FIELDS)], base)
    store.save()
    print(f"fields: {cells.counts()} labelled found cells in {len(items)} fields, "
          f"{args.folds} folds by field")
    before, after = held_out(cells, Calibration.of_card(base.card), folds=args.folds)
    print("\n1a. whole fields, the cells screening finds (typed by the annotation), as "
          "adapt's own held-out measure")
    for name, figures in (("base", before), ("adapted", after)):
        print(f"  {name:8s} {figures.as_dict()}")
    fields = cross_validated(cells, base, args.folds, field_measure(items), store)
    show("1b-2. whole fields, evaluate-fields' measure (every annotated box cropped, also cells "
         "the finder misses); counts by the pipeline", fields,
         lambda rows: "groups of 20 within 25 %: {:.2f}; counted {} of {} annotated".format(
             *groups_within(rows, 20, args.groups)))
    store.save()

    with tempfile.TemporaryDirectory() as scratch:
        crops = write_plain_crops(items, Path(scratch))
        plain, _ = read_sources([ClassFolders(Path(scratch))], base)
        plain_crops = {f"{scratch}:{items[k][0].stem}": v for k, v in crops.items()}
        print(f"\nplain crops: {plain.counts()}")
        show("3. plain box crops of held-out fields", cross_validated(
            plain, base, args.folds, plain_measure(plain_crops), store))
    store.save()

    if args.model is None:
        test, card = evaluate_folder(DATA / "cell_images" / "test").metrics, base.card.test_metrics
        print(f"\n4. NIH test split, bundled model: accuracy {test.accuracy:.4f}, AUC "
              f"{test.auc:.4f} (card: {card.accuracy:.4f}, {card.auc:.4f})")
    print(f"\nbundled files unchanged: {bundled_hashes() == hashes}")
    print(f"\n{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
