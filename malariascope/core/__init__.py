"""Screening core: image reading, preprocessing, models, Grad-CAM, pipeline and reports.

Nothing here imports Qt, and TensorFlow is imported only by the TensorFlow backend when it is
chosen, so the CLI and the GUI stay light.
"""
