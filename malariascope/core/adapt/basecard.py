"""An adapted card against its base network's card: what it copies from it must agree.

An adapted card copies from its base the values the network and the app's calls rest on: the
input size the network takes and the classes its logit separates; its head (and the base head
it blends field cells with) holds one weight per feature the network gives; and its facts name
the base's ONNX file by the sha256 of the file it runs. The seal is no secret, so a card
edited and sealed again is compared with the card of the network it runs (a card that is not
adapted and lists the same ONNX file by name and sha256, in the places that file is looked
for, see ``loading``); a difference is :class:`BaseModelMismatchError`. So is a value that
differs from what adapting gives: the name (its base model's, marked adapted once), the
version's stem (its base's version and the date), the eight views scored, and whether fields are
standardized (not beside a blend; else whenever the network gives them a healthy reference).
The fitted values (the head's weights, temperature, thresholds, healthy log-odds) are the
adaptation's own: there is nothing to compare them with. The descriptive ones (``input``,
``preprocessing``, ``parameters``) change no call, and a base card may reword them while its
network stays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from malariascope.core.adapt.adaptedcard import BLEND, adapted_names, version_stem
from malariascope.core.adapt.loading import ADAPTED, base_file_places, check_seal
from malariascope.core.cardvalues import shown
from malariascope.core.errors import BaseModelMismatchError, ModelError
from malariascope.core.modelfiles import CARD_NAME, MAX_CARD_BYTES, read_regular_file
from malariascope.core.views import ALL_VIEWS


class NetworkCard(Protocol):
    """What is read of the base network's ``core.modelcard.ModelCard`` (named here, not
    imported: that module calls this one)."""

    path: Path | None
    head_weights: tuple[float, ...]
    field_reference: tuple[float, float] | None

    def to_dict(self) -> dict: ...

    def sha256(self, fmt: str) -> str: ...


#: The values an adapted card copies from its base that change what a call is.
COPIED = ("input_size", "class_names", "positive_class")
_FIT_DIGITS = re.compile(r"[0-9a-f]{8}")  #: the end of an adapted version: its fit's digest


def check_adapted(card_path: Path, data: object, load: Callable[[Path], NetworkCard]) -> None:
    """Refuse an adapted card edited after adaptation, or one that disagrees with the card of
    the base network it runs, which ``load`` (``load_card``) reads; other cards pass."""
    if not (isinstance(data, dict) and ADAPTED in data):
        return
    check_seal(card_path, data)
    base = network_card(card_path.parent, data, load)
    if base is None:  # no base network's card could be read: nothing to compare with
        return
    theirs = base.to_dict()
    for key in COPIED:
        if data.get(key) != theirs[key]:
            raise _mismatch(card_path, base, f"{key} is {shown(data.get(key))}, the base's is "
                                             f"{shown(theirs[key])}")
    named = _member(data, (ADAPTED, "base_model", "onnx_sha256"))  # the base its README names
    if named != base.sha256("onnx"):
        raise _mismatch(card_path, base, f"{ADAPTED}.base_model.onnx_sha256 is {shown(named)}, "
                                         f"the ONNX file it runs is {shown(base.sha256('onnx'))}")
    features = len(base.head_weights)  # the base network's, one weight each
    for keys in (("head", "weights"), (BLEND, "head", "weights")):
        weights = _member(data, keys)
        if isinstance(weights, list) and len(weights) != features:
            raise _mismatch(card_path, base, f"{'.'.join(keys)} holds {len(weights)} numbers, "
                                             f"but the base gives {features} features")
    _check_derived(card_path, data, base)


def _check_derived(card_path: Path, data: dict, base: NetworkCard) -> None:
    """Refuse a value of ``data`` that adapting the base model its facts name, on the ``base``
    network, does not give."""
    base_name, name = _member(data, (ADAPTED, "base_model", "name")), data.get("name")
    named = adapted_names(str(base_name))
    if name not in named:
        raise _mismatch(card_path, base, f"name is {shown(name)}, adapting {shown(base_name)} "
                                         f"gives {' or '.join(map(shown, named))}")
    stem = version_stem(str(_member(data, (ADAPTED, "base_model", "version")) or ""),
                        str(_member(data, (ADAPTED, "date")) or ""))
    version = data.get("version")
    if not (isinstance(version, str) and version.startswith(stem)
            and _FIT_DIGITS.fullmatch(version[len(stem):])):
        raise _mismatch(card_path, base, f"version is {shown(version)}, adapting gives "
                                         f"{shown(stem)} and 8 hex digits")
    standardize, blend = _or(data, "standardize_fields", True), data.get(BLEND)
    if (blend is not None or base.field_reference is not None) and standardize is not (
            blend is None):
        raise _mismatch(card_path, base, f"standardize_fields is {_flag(standardize)}, adapting "
                                         f"gives {_flag(blend is None)} "
                                         f"{'without' if blend is None else 'beside'} a blend")
    views = _or(data, "views", 1)
    if views != ALL_VIEWS:
        raise _mismatch(card_path, base, f"views is {shown(views)}, adapting gives {ALL_VIEWS}")


def _or(data: dict, key: str, default: object) -> object:
    """``data[key]``, or ``default`` where it is absent or null (as the card reads it)."""
    value = data.get(key)
    return default if value is None else value


def _flag(value: object) -> str:
    """A card's true or false as JSON writes it; another value as a message quotes it."""
    return json.dumps(value) if isinstance(value, bool) else shown(value)


def _member(data: object, keys: tuple[str, ...]) -> object:
    """The value at ``keys`` down nested JSON objects; None where one is absent or not one (the
    card's own check names what is wrong)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _mismatch(card_path: Path, base: NetworkCard, what: str) -> BaseModelMismatchError:
    return BaseModelMismatchError(f"the adapted model card {card_path} disagrees with its base "
                                  f"model {base.path}: {what}; adapt the base model again")


def network_card(folder: Path, data: dict, load: Callable[[Path], NetworkCard]
                 ) -> NetworkCard | None:
    """The card, not adapted, that lists the ONNX file the adapted card ``data`` in ``folder``
    names, from the first of the places that file is looked for that holds one; None when
    none does."""
    try:
        onnx = data["files"]["onnx"]
        named = onnx["name"], onnx["sha256"]
    except (KeyError, TypeError):  # the card's own check names what is wrong
        return None
    for place in base_file_places(folder):  # a card not a network's is passed over
        try:
            listed = json.loads(read_regular_file(place / CARD_NAME, MAX_CARD_BYTES, "model card"))
            entry = listed["files"]["onnx"]
            if ADAPTED in listed or (entry["name"], entry["sha256"]) != named:
                continue
            return load(place)
        except (OSError, ValueError, RecursionError, LookupError, TypeError, ModelError):
            continue
    return None
