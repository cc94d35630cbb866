"""Training: rebuild the bundled CNN from a folder of labelled cells (TensorFlow/Keras)."""
