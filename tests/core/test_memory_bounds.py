"""Images small on disk that decode huge: refused before decoding when over the pixel limit, and
one that runs out of memory under it is that file's error row. Each batch runs in a child
process, under an address-space limit, so that no failure can take the machine's memory and
the child's peak RSS can be read."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.images import make_cell, make_field, repeating_tiff, write_rgb

pytestmark = pytest.mark.skipif(sys.platform != "linux",
                                reason="the address-space limit and /proc are Linux's")

CHILD = """
import json, os, resource, sys
from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen

def vm_size() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))

classifier = Classifier.open()
list(screen(sys.argv[-1:], classifier))  # lazy imports and the loaders' first memory
room = int(sys.argv[1]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (vm_size() + room, vm_size() + room))
rows = [(result.path.name, result.error) for result in screen(sys.argv[2:], classifier)]
with open("/proc/self/status") as status:  # this program's own peak: ru_maxrss would hold
    peak = next(int(line.split()[1]) // 1024  # the forking parent's, as it was at the fork
                for line in status if line.startswith("VmHWM"))
print(json.dumps({"rows": rows, "peak_mb": peak}))
"""


def screen_in_child(paths, room_mb: int) -> tuple[dict[str, str], int]:
    """Each file's error by name, and the child's peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(room_mb), *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return dict(out["rows"]), out["peak_mb"]


def field_band(rows: int, width: int, dtype: type) -> np.ndarray:
    """``rows`` x ``width`` of generated whole fields side by side."""
    field = make_field()[0]
    return np.tile(field, (1, -(-width // field.shape[1]), 1))[:rows, :width].astype(dtype)


def test_10000_px_square_images_are_refused_before_decoding(tmp_path):
    """A 10,000 x 10,000 8-bit image took 2.2 GB, a float TIFF of that size 5.1 GB."""
    eight = tmp_path / "8-bit 10000x10000.tif"
    eight.write_bytes(repeating_tiff(field_band(100, 10_000, np.uint8), 100))
    floats = tmp_path / "float 10000x10000.tif"
    floats.write_bytes(repeating_tiff(field_band(100, 10_000, np.float32), 100))
    cell = write_rgb(tmp_path / "cell.png", make_cell())
    errors, peak_mb = screen_in_child([eight, floats, cell], room_mb=2_000)
    assert errors[eight.name].startswith("image too large: over 20 megapixels")
    assert errors[floats.name].startswith("image too large: over 20 megapixels")
    assert errors[cell.name] == ""
    assert peak_mb < 450  # the model and the loaders; not one image buffer


def test_an_image_that_runs_out_of_memory_is_its_own_error_row(tmp_path):
    """Images under the pixel limit whose decoding or cell finding needs more memory than there
    is: an OpenCV allocation error or a MemoryError ended the batch with a traceback."""
    deep = tmp_path / "float64 5000x3900.tif"  # decodes to 468 MB
    deep.write_bytes(repeating_tiff(field_band(100, 5_000, np.float64), 39))
    field = tmp_path / "field 5400x3600.tif"  # decodes to 58 MB; finding its cells needs more
    field.write_bytes(repeating_tiff(field_band(600, 5_400, np.uint8), 6))
    cell = write_rgb(tmp_path / "cell.png", make_cell())
    errors, _ = screen_in_child([deep, field, cell], room_mb=300)
    assert errors == {
        deep.name: "not enough memory to decode this image",
        field.name: "not enough memory to screen this 5,400 x 3,600 px image",
        cell.name: "",
    }
