"""MalariaScope: malaria screening of thin blood smear cell images.

A screening aid, not a diagnosis: every call is meant to be reviewed by a trained technician.
"""

import os

# ONNX Runtime (1.29 and later) sends usage telemetry and keeps a device id under the user's
# home unless this is set before it loads. Every entry point (app, CLI, bundle) imports this
# package first, so the app sends nothing anywhere.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
