"""Dataclasses to JSON and back, every value read back checked against its type hint.

Generic on purpose: the fields come from the dataclass itself, so a field added to
:class:`~malariascope.core.pipeline.ScreeningResult` is saved and read back with no change
here. Paths become strings, tuples lists, nested dataclasses objects, and numpy arrays their
dtype, shape and base64 bytes (only plain numeric dtypes; nothing is ever pickled). Anything
that does not fit its hint raises :class:`ValueError` with the field's name.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import types
import typing
from pathlib import Path

import numpy as np

ARRAY_DTYPES = frozenset({"float16", "float32", "float64", "uint8", "int32", "int64", "bool"})


def fields_of(obj: object) -> dict[str, object]:
    """The fields of a dataclass instance by name (values not copied)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def dumps(value: object) -> str:
    """One line of JSON; dataclasses, paths and arrays included."""
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: object) -> object:
    """JSON for what ``json`` cannot write itself (its ``default`` hook)."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape),
                "base64": base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()}
    if isinstance(value, np.generic):
        return value.item()
    if dataclasses.is_dataclass(value):
        return fields_of(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_object(raw: bytes | str, where: str) -> dict:
    """Parse ``raw`` as one JSON object; ``where`` names it in the error."""
    try:
        value = json.loads(raw)
    except ValueError as exc:  # also bad UTF-8
        raise ValueError(f"{where} is damaged or truncated ({exc})") from exc
    return expect(value, dict, where)


@functools.cache
def _hints(cls: type) -> dict[str, object]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def build(cls: type, data: dict, **given: object) -> typing.Any:
    """An instance of the dataclass ``cls`` from JSON ``data`` plus ``given`` values."""
    hints = _hints(cls)
    unknown = sorted(data.keys() - hints.keys())
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields {', '.join(unknown)} "
                         "(written by a newer MalariaScope?)")
    values = {name: _value(value, hints[name], name) for name, value in data.items()}
    try:
        return cls(**values, **given)
    except TypeError as exc:  # a field without a default is missing, or given twice
        raise ValueError(f"incomplete {cls.__name__}: {exc}") from exc


def _value(value: object, hint: object, name: str) -> object:
    """``value`` read from JSON as the type ``hint`` of field ``name``."""
    options = typing.get_args(hint) if _is_union(hint) else (hint,)
    if value is None:
        if type(None) in options:
            return None
        raise ValueError(f"{name} is missing")
    kinds = [option for option in options if option is not type(None)]
    kind = kinds[0] if len(kinds) == 1 else object
    origin = typing.get_origin(kind) or kind
    if origin is np.ndarray:
        return _array(expect(value, dict, name), name)
    if dataclasses.is_dataclass(origin):
        return build(origin, expect(value, dict, name))
    if origin is tuple:
        return _tuple(expect(value, list, name), typing.get_args(kind), name)
    if origin is dict:
        key_type, value_type = typing.get_args(kind) or (str, object)
        return {_key(k, key_type, name): _value(v, value_type, name)
                for k, v in expect(value, dict, name).items()}
    if origin is Path:
        return Path(expect(value, str, name))
    if origin is float:
        return float(expect(value, (int, float), name))
    if origin in (int, str, bool):
        return expect(value, origin, name)
    return value


def _is_union(hint: object) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _tuple(items: list, kinds: tuple, name: str) -> tuple:
    """A fixed-length tuple (a shape, a box) is checked item by item, as is each item of a
    ``tuple[X, ...]``."""
    if not kinds:
        return tuple(items)
    if kinds[-1] is Ellipsis:
        return tuple(_value(item, kinds[0], name) for item in items)
    if len(items) != len(kinds):
        raise ValueError(f"{name} should have {len(kinds)} items, not {len(items)}")
    return tuple(_value(item, kind, name) for item, kind in zip(items, kinds, strict=True))


def _key(key: str, key_type: object, name: str) -> object:
    """JSON keys are strings; an ``int`` key is read back as one."""
    if key_type is not int:
        return key
    try:
        return int(key)
    except ValueError:
        raise ValueError(f"{name} has a bad key {key!r}") from None


def expect(value: object, kinds: type | tuple[type, ...], name: str) -> typing.Any:
    """``value`` if it is one of ``kinds`` (a bool is not taken for a number)."""
    wanted = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        raise ValueError(f"{name} should be {' or '.join(k.__name__ for k in wanted)}, "
                         f"not {type(value).__name__}")
    return value


def _array(data: dict, name: str) -> np.ndarray:
    """An array from its dtype, shape and base64 bytes; only plain numeric dtypes."""
    dtype, shape = data.get("dtype"), data.get("shape")
    if dtype not in ARRAY_DTYPES or not isinstance(shape, list):
        raise ValueError(f"{name} is not an array this version can read")
    try:
        raw = base64.b64decode(expect(data.get("base64"), str, name), validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} is damaged: {exc}") from exc
