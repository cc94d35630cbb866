"""What the register's rows hold: cases as JSON and cells as columns, both read back checked;
pictures as PNG.

The case's own classes check every value they are built from (``CaseFacts`` refuses a target
out of range, text with control characters...), so a record read back is as valid as one made
in the window. A cell is a row of plain columns (its class map as float32 bytes), about 530
bytes with its index, so 20,000 cells append in one transaction of under a second.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from malariascope.core.case import (
    Amendment,
    CaseFacts,
    ReviewDecision,
    Signature,
    SignedVersion,
)
from malariascope.core.classifier import CallRule
from malariascope.core.errors import CaseError
from malariascope.core.extent import Extent
from malariascope.core.imageio import encode_png
from malariascope.core.leftout import LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.pipeline import ScreeningResult

CELL_COLUMNS = ("row", "path", "sha256", "probability", "class_map", "map_h", "map_w",
                "image_h", "image_w", "error", "processed_at", "whole_field", "cell_index",
                "box_x", "box_y", "box_w", "box_h", "raw_probability", "learned")
REVIEW_COLUMNS = ("row", "reviewer", "at", "model_call", "pressed", "final_call")
PICTURE_SIDE = 256  # pictures are kept at most this many pixels a side
#: What a stored record that cannot be read back raises: bad JSON, a missing or unknown
#: field, a value its class refuses.
UNREADABLE = (ValueError, TypeError, KeyError, CaseError)


def to_json(value: object) -> str:
    """A dataclass (nested ones too) or plain value as compact JSON."""
    return json.dumps(asdict(value) if hasattr(value, "__dataclass_fields__") else value,
                      ensure_ascii=False, separators=(",", ":"))


def _plain(cls: type, data: object) -> Any:
    """An instance of the dataclass ``cls`` of plain fields from its JSON object."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__} should be an object, not {type(data).__name__}")
    unknown = data.keys() - {item.name for item in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields {', '.join(sorted(unknown))}")
    return cls(**data)


def facts_of(text: str) -> CaseFacts:
    return _plain(CaseFacts, json.loads(text))


def result_of(text: str | None) -> CaseResult | None:
    return None if text is None else _plain(CaseResult, json.loads(text))


def _signed(data: dict) -> SignedVersion:
    return SignedVersion(_plain(CaseFacts, data["facts"]), _plain(CaseResult, data["result"]),
                         _plain(Signature, data["signature"]))


def signed_of(text: str | None) -> SignedVersion | None:
    return None if text is None else _signed(json.loads(text))


AMENDMENT_COLUMNS = ("reason", "amended_by", "amended_at", "replaced", "rule", "decisions",
                     "sources", "extent", "model", "model_sha256")


def amendment_of(reason: str, by: str, at: str, replaced: str, rule: str | None,
                 decisions: int | None, sources: str | None, extent: str | None,
                 model: str | None, model_sha256: str | None) -> Amendment:
    return Amendment(reason, by, at, _signed(json.loads(replaced)), rule_of(rule), decisions,
                     None if sources is None else sources_of(sources),
                     None if extent is None else extent_of(extent),
                     None if model is None or model_sha256 is None else (model, model_sha256))


def amendment_values(amendment: Amendment) -> tuple:
    """The :data:`AMENDMENT_COLUMNS` of ``amendment``."""
    sources, extent, model = amendment.sources, amendment.extent, amendment.model
    return (amendment.reason, amendment.by, amendment.at, to_json(amendment.replaced),
            rule_json(amendment.rule), amendment.decisions,
            None if sources is None else to_json(list(sources)),
            None if extent is None else to_json(extent.to_dict()), *(model or (None, None)))


#: A withdrawal's columns, in the order of :class:`~malariascope.core.case.Withdrawal`'s
#: fields (all text), so ``dataclasses.astuple`` gives a row and a row builds one.
WITHDRAWAL_COLUMNS = ("reason", "amended_by", "opened_at", "withdrawn_at")


def extent_of(text: str) -> Extent:
    return Extent.from_dict(json.loads(text))


def inputs_json(extent: Extent) -> str:
    """What ``extent`` says of the inputs opened, how they were searched and which were cut
    short; the files found and the copies left out have columns of their own."""
    data = extent.to_dict()
    del data["files"]
    data.pop("copies", None)
    return to_json(data)


def rule_json(rule: CallRule | None) -> str | None:
    return None if rule is None else to_json(rule.to_dict())


def rule_of(text: str | None) -> CallRule | None:
    return None if text is None else CallRule.from_dict(json.loads(text))


def copies_of(text: str | None) -> LeftOut | None:
    return None if text is None else LeftOut.from_dict(json.loads(text))


def sources_of(text: str) -> tuple[str, ...]:
    names = json.loads(text)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError("sources should be a list of names")
    return tuple(names)


def review_values(decision: ReviewDecision) -> tuple:
    return tuple(getattr(decision, name) for name in REVIEW_COLUMNS)


def cell_values(row: int, result: ScreeningResult) -> tuple:
    """The :data:`CELL_COLUMNS` of ``result``, the cell at ``row`` of its case."""
    class_map = result.class_map
    map_h = map_w = blob = None
    if class_map is not None:
        map_h, map_w = map(int, class_map.shape)
        blob = np.ascontiguousarray(class_map, dtype=np.float32).tobytes()
    box = tuple(map(int, result.box)) if result.box is not None else (None,) * 4
    probability = None if result.probability is None else float(result.probability)
    cell_index = None if result.cell_index is None else int(result.cell_index)
    raw = None if result.raw_probability is None else float(result.raw_probability)
    learned = None if result.learned is None else int(result.learned)
    return (row, os.fsencode(result.path), result.sha256, probability, blob, map_h, map_w,
            *map(int, result.image_shape), result.error, result.processed_at,
            int(result.whole_field), cell_index, *box, raw, learned)


def cell_of(values: tuple) -> ScreeningResult:
    """The :class:`ScreeningResult` stored as ``values`` (the columns after ``row``)."""
    (path, sha256, probability, blob, map_h, map_w, image_h, image_w, error, processed_at,
     whole_field, cell_index, *box, raw_probability, learned) = values
    class_map = None
    if blob is not None:
        class_map = np.frombuffer(blob, dtype=np.float32).reshape(map_h, map_w).copy()
    return ScreeningResult(
        path=Path(os.fsdecode(path)), sha256=sha256, probability=probability,
        class_map=class_map, image_shape=(image_h, image_w), error=error,
        processed_at=processed_at, whole_field=bool(whole_field), cell_index=cell_index,
        box=None if box[0] is None else tuple(box), raw_probability=raw_probability,
        learned=None if learned is None else bool(learned))


def picture_png(picture: np.ndarray) -> bytes:
    """An RGB ``uint8`` picture as PNG bytes, made at most :data:`PICTURE_SIDE` a side."""
    if picture.dtype != np.uint8 or picture.ndim != 3 or picture.shape[2] != 3:
        raise ValueError(f"a picture must be RGB uint8 (H, W, 3), not {picture.dtype} "
                         f"{picture.shape}")
    scale = PICTURE_SIDE / max(picture.shape[:2])
    if scale < 1:
        picture = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return encode_png(picture)
