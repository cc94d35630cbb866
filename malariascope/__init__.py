"""MalariaScope: malaria screening of thin blood smear cell images.

A screening aid, not a diagnosis: every call is meant to be reviewed by a trained technician.
"""

import os

# ONNX Runtime (1.29 and later) sends usage telemetry and keeps a device id under the user's
# home unless this is set before it loads. Every entry point (app, CLI, bundle) imports this
# package first, so the app sends nothing anywhere.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

#: Largest image decoded (pixels): a 20-megapixel camera's 5,472 x 3,648 frame fits. OpenCV
#: reads its limit from the environment once, as it loads, so it is set here, before any module
#: imports OpenCV; ``core.imageio`` says what the limit buys.
MAX_IMAGE_PIXELS = 20_000_000
os.environ["OPENCV_IO_MAX_IMAGE_PIXELS"] = str(MAX_IMAGE_PIXELS)

__version__ = "0.1.0"
