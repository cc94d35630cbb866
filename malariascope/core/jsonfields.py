"""Checked JSON values for the ``to_dict``/``from_dict`` methods of the dataclasses saved to disk.

Reading is strict: a value of the wrong type, or a field this version does not know, raises
:class:`ValueError` naming the field. Arrays are stored exactly, as their dtype, shape and
base64 bytes, and only plain numeric dtypes are read back: nothing is ever pickled. Standard
library only at import (numpy is imported by the array readers), so a type the window holds
before numpy loads can use it.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")
Reader = Callable[[object, str], Any]  # (JSON value, field name) -> the value, checked

ARRAY_DTYPES = frozenset({"float16", "float32", "float64", "uint8", "int32", "int64", "bool"})


def dumps(value: object) -> str:
    """One line of JSON, text kept as it is (no ``\\u`` escapes)."""
    return json.dumps(value, ensure_ascii=False)


def nan_as_null(value: object) -> object:
    """``value`` with every NaN or infinity in it, however deep, replaced by None: JSON has
    neither, and an undefined figure is null in it."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: nan_as_null(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [nan_as_null(item) for item in value]
    return value


def json_object(raw: bytes | str, where: str) -> dict:
    """Parse ``raw`` as one JSON object; ``where`` names it in the error."""
    try:
        value = json.loads(raw)
    except ValueError as exc:  # also bad UTF-8
        raise ValueError(f"{where} is damaged or truncated ({exc})") from exc
    return expect(value, dict, where)


def expect(value: object, kinds: type | tuple[type, ...], name: str) -> Any:
    """``value`` if it is one of ``kinds`` (a bool is not taken for a number)."""
    wanted = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        raise ValueError(f"{name} should be {' or '.join(k.__name__ for k in wanted)}, "
                         f"not {type(value).__name__}")
    return value


def build(cls: Callable[..., T], data: object, readers: Mapping[str, Reader], what: str,
          **given: object) -> T:
    """An instance of ``cls`` from the JSON object ``data``, each field read by its reader.

    Parameters
    ----------
    cls
        The dataclass; fields absent from ``data`` take its defaults.
    data
        The JSON object; a key without a reader is refused (a newer version's field).
    readers
        Field name -> :data:`Reader`.
    what
        The object's name in the errors.
    given
        Fields that are not in ``data`` (e.g. rows saved apart).
    """
    data = expect(data, dict, what)
    unknown = sorted(data.keys() - readers.keys())
    if unknown:
        raise ValueError(f"unknown {what} fields {', '.join(unknown)} "
                         "(written by a newer MalariaScope?)")
    values = {name: readers[name](value, name) for name, value in data.items()}
    try:
        return cls(**values, **given)
    except TypeError as exc:  # a field without a default is missing
        raise ValueError(f"incomplete {what}: {exc}") from exc


# -- readers: (value, name) -> the value as its field holds it ------------------------------
def text(value: object, name: str) -> str:
    return expect(value, str, name)


def flag(value: object, name: str) -> bool:
    return expect(value, bool, name)


def integer(value: object, name: str) -> int:
    return expect(value, int, name)


def number(value: object, name: str) -> float:
    return float(expect(value, (int, float), name))


def path(value: object, name: str) -> Path:
    return Path(expect(value, str, name))


def optional(read: Reader) -> Reader:
    """``read``, or None for a JSON null."""
    return lambda value, name: None if value is None else read(value, name)


def fixed(read: Reader, count: int) -> Reader:
    """A tuple of ``count`` items (a shape, a box), each read by ``read``."""
    def read_tuple(value: object, name: str) -> tuple:
        items = expect(value, list, name)
        if len(items) != count:
            raise ValueError(f"{name} should have {count} items, not {len(items)}")
        return tuple(read(item, name) for item in items)
    return read_tuple


def pair(first: Reader, second: Reader) -> Reader:
    """A two-item tuple, its first item read by ``first`` and its second by ``second``."""
    def read_pair(value: object, name: str) -> tuple:
        one, two = fixed(lambda item, _: item, 2)(value, name)
        return first(one, f"{name}[0]"), second(two, f"{name}[1]")
    return read_pair


def several(read: Reader) -> Reader:
    """A tuple of any length, each item read by ``read``."""
    return lambda value, name: tuple(read(item, name) for item in expect(value, list, name))


def array_json(array: np.ndarray) -> dict[str, object]:
    """An array as its dtype, shape and base64 bytes (read back by :func:`array`)."""
    import numpy as np

    return {"dtype": str(array.dtype), "shape": list(array.shape),
            "base64": base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()}


def array(value: object, name: str) -> np.ndarray:
    """An array from :func:`array_json`'s object; only plain numeric dtypes."""
    import numpy as np

    data = expect(value, dict, name)
    dtype, shape = data.get("dtype"), data.get("shape")
    if dtype not in ARRAY_DTYPES or not isinstance(shape, list):
        raise ValueError(f"{name} is not an array this version can read")
    try:
        raw = base64.b64decode(expect(data.get("base64"), str, name), validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} is damaged: {exc}") from exc
