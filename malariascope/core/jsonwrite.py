"""A JSON file written whole or not at all, for the command line's reports."""

from __future__ import annotations

import json
import os
from pathlib import Path

from malariascope.core.atomic import why, write_bytes_atomic
from malariascope.core.errors import ReportAppearedError, ReportError
from malariascope.core.jsonfields import nan_as_null


def write_json(path: str | os.PathLike[str], data: dict, overwrite: bool = True) -> None:
    """Write ``data`` as indented strict JSON, atomically: an undefined figure (NaN) is
    written as null, as JSON has no NaN. Without ``overwrite`` a file that appeared at
    ``path`` meanwhile is kept: :class:`ReportAppearedError`."""
    text = json.dumps(nan_as_null(data), indent=2, allow_nan=False)
    try:
        write_bytes_atomic(path, (text + "\n").encode("utf-8"), overwrite)
    except FileExistsError:
        raise ReportAppearedError(Path(path), "pass --overwrite") from None
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {why(exc)}") from exc
