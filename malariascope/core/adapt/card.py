"""The card of an adapted model: its own head and calibration on its base model's ONNX file.

The base's ONNX file is listed by its plain name and sha256 and never copied (see ``loading``
for how it is found); facts of the base network's training stay with the base's card, and the
adaptation's own (base model, cells, sources, held-out figures, date) go under ``adapted``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from malariascope.core.adapt.adaptedcard import BLEND, adapted_name, version_stem
from malariascope.core.adapt.fit import Calibration
from malariascope.core.adapt.learned import LEARNED
from malariascope.core.adapt.loading import ADAPTED, seal_of
from malariascope.core.adapt.wording import HEADINGS, RANKING, figure_rows, sentences
from malariascope.core.logodds import uncertain_band
from malariascope.core.modelcard import CARD_NAME, ModelCard
from malariascope.core.modelfiles import sha256_of
from malariascope.core.recipe import RECIPE_KEYS
from malariascope.core.words import counted

#: Card facts describing how the base network was trained; they stay with the base model.
BASE_ONLY = ("validation_metrics", "test_metrics", "trained_on", "fine_tuned_from",
             "split_manifest", *RECIPE_KEYS)


def adapted_card(base: ModelCard, calibration: Calibration, facts: dict) -> dict:
    """The sealed card (as its JSON file holds it) of a model adapted from ``base``; ``facts``
    go under ``adapted`` (cells, sources, held-out figures). It is checked as any card is."""
    now = dt.datetime.now(dt.timezone.utc)
    date = now.date().isoformat()
    fitted = {
        "head": {"weights": [float(w) for w in calibration.head.weights],
                 "bias": float(calibration.head.bias)},
        "temperature": float(calibration.temperature),
        "threshold": float(calibration.threshold),
        "field_threshold": float(calibration.count_threshold),
        "uncertain_band": list(uncertain_band(calibration.threshold)),
        "healthy_log_odds": {"median": calibration.healthy[0], "mad": calibration.healthy[1]},
        "standardize_fields": calibration.standardize_fields,
        BLEND: None if calibration.blend is None else calibration.blend.to_dict(),
        "views": calibration.views,
    }
    fitted_id = hashlib.sha256(json.dumps(fitted, sort_keys=True).encode()).hexdigest()[:8]
    base_name = (base.adapted or {}).get("base_model", {}).get("name", base.name)
    onnx = base.files["onnx"]
    data = {**base.to_dict(), **dict.fromkeys(BASE_ONLY), **fitted,
            "name": adapted_name(base_name),
            "version": version_stem(base.version, date) + fitted_id,
            "created": now.isoformat(timespec="seconds"),
            "files": {"onnx": {"name": onnx.name, "sha256": onnx.sha256}}}
    data[ADAPTED] = {"base_model": base_facts(base), "date": date, **facts}
    data[ADAPTED]["seal"] = seal_of(data)
    ModelCard.from_dict(data)  # refused here, as on loading, if a value is out of range
    return data


def base_facts(base: ModelCard) -> dict:
    """What an adapted card keeps of its ``base`` model: its name, version and hashes."""
    return {"name": base.name, "version": base.version, "card_sha256": sha256_of(base.path),
            "onnx_sha256": base.files["onnx"].sha256}


def adapted_markdown(data: dict) -> str:
    """The adapted card for people: what it was adapted from and on, and how it did, its
    figures in the words of the command line and the window (``wording``)."""
    facts = data[ADAPTED]
    base = facts["base_model"]
    fitted, measured = sentences(facts)
    lines = [
        f"# Model card: {data['name']} {data['version']}",
        "",
        f"Adapted on {facts['date']} from `{base['name']} {base['version']}` (ONNX sha256 "
        f"`{base['onnx_sha256']}`, not copied: it is found by its hash) to the cells of "
        "one lab. A screening aid, not a diagnosis: every call is for a trained technician "
        "to review.",
        "",
        f"Reports and the case register record this model by the sha256 of its {CARD_NAME}, "
        "which pins the ONNX file by its own: the base model and other adaptations run the "
        "same file.",
        "",
        f"- threshold {data['threshold']:.4f}, field threshold {data['field_threshold']:.4f}, "
        f"temperature {data['temperature']:.3f}, healthy log-odds median "
        f"{data['healthy_log_odds']['median']:.3f} (MAD {data['healthy_log_odds']['mad']:.3f}); "
        f"whole fields {'' if data['standardize_fields'] else 'not '}standardized"
        + ("; their cells scored by the mean of this head's rank and the base model's"
           if data.get(BLEND) else ""),
        *([f"- each cell scored by the mean of its {data['views']} views (quarter turns, "
           "mirrored or not): the network runs that many times per cell"]
          if data.get("views", 1) > 1 else []),
        *([f"- threshold rule, on out-of-fold scores: {facts['threshold_rule']}"]
          if facts.get("threshold_rule") else []),
        "",
        "## Held out",
        "",
        fitted,
        "",
        measured,
        "",
        f"| | {' | '.join(HEADINGS)} |",
        "|---|--:|--:|",
        *[f"| {' | '.join(row)} |" for row in figure_rows(facts)],
        "",
        RANKING,
        "",
        "## Sources",
        "",
        *[f"- {s['kind']} `{s['path']}`: {s['cells']['parasitized']} parasitized, "
          f"{s['cells']['uninfected']} uninfected{_repeated(s)} (sha256 `{s['sha256']}`)"
          for s in facts["sources"]],
        *([f"- {counted(len(facts[LEARNED]), 'image file')} learned from, each listed in the "
           "card by its sha256: screening one marks its calls, which are then no independent "
           "check"] if facts.get(LEARNED) else []),
    ]
    return "\n".join(lines) + "\n"


def _repeated(source: dict) -> str:
    """The repeated cells a source gave, left out, after a comma ('' for none)."""
    repeated = source.get("repeated", 0)
    return f", {counted(repeated, 'repeated cell')} left out" if repeated else ""
