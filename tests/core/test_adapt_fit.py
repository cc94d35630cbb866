"""Lab adaptation's numbers: the head fit, folds, held-out figures and refusals (features only)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from malariascope.core.adapt import logistic
from malariascope.core.adapt.auc import auc
from malariascope.core.adapt.cells import UNLABELLED, LabelledCells, group_folds
from malariascope.core.adapt.fit import Calibration
from malariascope.core.adapt.logistic import Head, fit_head
from malariascope.core.adapt.run import MIN_CELLS_PER_CLASS, check_enough, fit_adaptation
from malariascope.core.errors import TooFewCellsError, WorseThanBaseError

DIM = 16


def cells_of(features, labels, groups, fields=None) -> LabelledCells:
    n = len(labels)
    fields = np.full(n, "") if fields is None else np.asarray(fields)
    labels = np.asarray(labels)
    return LabelledCells(np.asarray(features, float), labels, np.asarray(groups), fields,
                         np.where(fields != "", labels, UNLABELLED))


def base_calibration(weights: np.ndarray) -> Calibration:
    return Calibration(Head(weights, 0.0), 1.0, 0.5, 0.9, (-3.0, 1.0))


def test_the_head_fit_is_logistic_regression_pulled_towards_the_prior():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, DIM))
    y = (rng.random(400) < 1 / (1 + np.exp(-(x @ rng.normal(size=DIM) - 0.5)))).astype(int)
    head = fit_head(x, y, Head(np.zeros(DIM), 0.0), strength=2.0, weights=np.ones(400))
    reference = LogisticRegression(C=0.5, tol=1e-10, max_iter=1000).fit(x, y)
    assert head.weights == pytest.approx(reference.coef_[0], abs=1e-5)
    assert head.bias == pytest.approx(reference.intercept_[0], abs=1e-4)
    prior = Head(np.ones(DIM), 0.0)  # few cells move the head little, many move it more
    moved = [np.linalg.norm(fit_head(x[:n], y[:n], prior, strength=5.0).weights - 1)
             for n in (20, 400)]
    assert moved[0] < moved[1]


def test_a_lab_the_base_head_already_fits_keeps_it_though_parasitized_cells_are_rare():
    """Labs of 1,500 cells, 2 to 4 % parasitized, drawn from the base head itself: the fit
    stays near it. Weighted up to half the total, each rare parasitized cell would pull the
    head tens of times as hard as a healthy one, and the few dozen of them move it far."""
    prior = Head(np.r_[2.0, np.zeros(DIM - 1)], 0.0)
    moved = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(1500, DIM))
        y = (rng.random(1500) < 1 / (1 + np.exp(-(prior.logits(x) - 5.0)))).astype(int)
        moved.append(np.linalg.norm(fit_head(x, y, prior, strength=1.0).weights - prior.weights))
    assert np.mean(moved) < 1.0


def test_a_fit_started_from_its_own_head_is_already_there(monkeypatch):
    """Rare parasitized cells move the returned bias far (to balanced classes) from the one
    fitted; a start from that head must be taken back, or each warm start costs a full fit:
    allowed two Newton steps, it must end where it started."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1500, DIM))
    prior = Head(np.r_[2.0, np.zeros(DIM - 1)], 0.0)
    y = (rng.random(1500) < 1 / (1 + np.exp(-(prior.logits(x) - 4.0)))).astype(int)
    head = fit_head(x, y, prior, strength=1.0)
    monkeypatch.setattr(logistic, "MAX_STEPS", 2)
    again = fit_head(x, y, prior, strength=1.0, start=head)
    assert again.weights == pytest.approx(head.weights, abs=1e-8)
    assert again.bias == pytest.approx(head.bias, abs=1e-8)


def test_auc_counts_ties_half_as_scikit_learn_does():
    rng = np.random.default_rng(1)
    labels = rng.random(300) < 0.3
    scores = np.round(rng.normal(size=300) + labels, 1)  # many ties
    assert auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))
    assert np.isnan(auc(np.zeros(5, bool), np.arange(5)))


def test_folds_keep_groups_whole_and_spread_the_parasitized():
    groups = np.repeat([f"s{i}" for i in range(9)], 10)
    labels = np.zeros(90, int)
    labels[::7] = 1
    fold = group_folds(groups, labels, 3)
    for group in set(groups):
        assert len(set(fold[groups == group])) == 1
    per_fold = [int(labels[fold == f].sum()) for f in range(3)]
    assert max(per_fold) - min(per_fold) <= 2


def test_too_few_cells_of_a_class_are_refused_with_the_minimum():
    labels = np.r_[np.ones(MIN_CELLS_PER_CLASS - 1, int), np.zeros(100, int)]
    groups = np.arange(len(labels)) % 5
    with pytest.raises(TooFewCellsError, match=f"at least {MIN_CELLS_PER_CLASS} of each class"):
        check_enough(cells_of(np.zeros((len(labels), DIM)), labels, groups.astype(str)))


def test_parasitized_cells_from_too_few_slides_are_refused():
    labels = np.r_[np.ones(40, int), np.zeros(100, int)]
    groups = np.r_[np.repeat(["a", "b"], 20), np.repeat(["a", "b", "c", "d"], 25)]
    with pytest.raises(TooFewCellsError, match="parasitized cells come from 2 field"):
        check_enough(cells_of(np.zeros((140, DIM)), labels, groups))


def contradicting_slides(rng) -> LabelledCells:
    """Eight slides whose reviews agree with the base model's one feature on four slides and
    contradict it on the other four: any fit on seven slides follows their majority, which is
    the one the held-out slide does not."""
    features, labels, groups = [], [], []
    for slide in range(8):
        x = rng.normal(size=(60, DIM))
        truth = x[:, 0] > 0
        features.append(x)
        labels.append(truth if slide % 2 else ~truth)
        groups += [f"slide{slide}"] * 60
    return cells_of(np.concatenate(features), np.concatenate(labels).astype(int), groups)


def test_an_adaptation_worse_than_its_base_held_out_is_refused():
    base = base_calibration(np.r_[3.0, np.zeros(DIM - 1)])
    with pytest.raises(WorseThanBaseError, match="did worse than its base") as refused:
        fit_adaptation(contradicting_slides(np.random.default_rng(2)), base)
    # the window puts "No model was written:" before it, the command line its error line
    assert "written" not in str(refused.value)


def test_adapting_to_a_shifted_lab_beats_the_base_held_out():
    """A lab whose cells carry the parasite signal in another feature than the base model
    learned: held out by slide, the adapted head ranks and calls them better."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, DIM))
    labels = (x[:, 1] + 0.5 * x[:, 0] + 0.5 * rng.normal(size=600) > 1.2).astype(int)
    groups = np.repeat([f"s{i}" for i in range(6)], 100)
    calibration, before, after = fit_adaptation(
        cells_of(x, labels, groups), base_calibration(np.r_[3.0, np.zeros(DIM - 1)]))
    assert after.auc > before.auc + 0.1
    assert after.balanced_accuracy > before.balanced_accuracy
    assert abs(calibration.head.weights[1]) > 1.0  # the head moved to the lab's feature


def test_unlabelled_field_cells_take_no_part_in_figures():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(400, DIM))
    labels = (x[:, 0] > 1.0).astype(int)
    labels[::4] = UNLABELLED
    groups = np.repeat([f"f{i}" for i in range(8)], 50)
    cells = cells_of(x, labels, groups, fields=groups)
    _, before, after = fit_adaptation(cells, base_calibration(np.r_[3.0, np.zeros(DIM - 1)]))
    assert before.parasitized + before.uninfected == 300
    assert after.parasitized_in_fields == before.parasitized


NO_SCIPY = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'scipy', 'sklearn', 'PySide6', 'tensorflow', 'keras'}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import numpy as np
import malariascope.core.adapt.reports, malariascope.core.adapt.unlike
from malariascope.core.adapt.cells import LabelledCells
from malariascope.core.adapt.fit import Calibration
from malariascope.core.adapt.logistic import Head
from malariascope.core.adapt.run import fit_adaptation
rng = np.random.default_rng(0)
x = rng.normal(size=(300, 8))
labels = (x[:, 1] + rng.normal(size=300) > 0.8).astype(int)
groups = np.repeat(np.arange(6).astype(str), 50)
cells = LabelledCells(x, labels, groups, groups, labels)
fit_adaptation(cells, Calibration(Head(np.r_[2.0, 0.0, np.zeros(6)], 0.0), 1.0, 0.5, 0.9,
                                  (-3.0, 1.0)))
print('ok')
"""


def test_adaptation_runs_without_scipy_or_scikit_learn():
    """The app bundles neither; adapting runs in the app."""
    result = subprocess.run([sys.executable, "-c", NO_SCIPY], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
