"""The CNN: small conv blocks with batch norm, then a GAP -> Dropout -> Dense(1) head.

That head makes Grad-CAM exact from one forward pass: the logit is the spatial mean of
``sum_k w_k A_k`` plus a bias, where ``A`` is the output of the layer named
:data:`LAST_CONV`, so the class map is ReLU of that weighted sum (see ``core.gradcam``).
"""

from __future__ import annotations

import keras
from keras import layers

LAST_CONV = "last_conv"
GAP = "gap"
LOGIT = "logit"
PROBABILITY = "probability"
FILTERS = (16, 32, 64, 128)


def build_model(input_size: int = 64, dropout: float = 0.3, width: float = 1.0) -> keras.Model:
    """Build the uncompiled classifier; input ``uint8``-range RGB, output P(parasitized).

    ``width`` scales the number of filters of every conv (0.5: a quarter of the compute), for
    the members of an ensemble (see ``training.ensemble``).
    """
    filters = [max(4, round(count * width)) for count in FILTERS]
    inputs = keras.Input((input_size, input_size, 3), name="image")
    x = layers.Rescaling(1.0 / 255.0, name="rescale")(inputs)
    for block, count in enumerate(filters[:-1]):
        x = _conv_bn(x, count, f"block{block}_conv")
        if block >= 2:
            x = _conv_bn(x, count, f"block{block}_conv2")
        x = layers.MaxPooling2D(name=f"block{block}_pool")(x)
    x = _conv_bn(x, filters[-1], "block3_conv")
    x = _conv_bn(x, filters[-1], LAST_CONV)
    x = layers.GlobalAveragePooling2D(name=GAP)(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    logit = layers.Dense(1, name=LOGIT)(x)
    probability = layers.Activation("sigmoid", name=PROBABILITY)(logit)
    return keras.Model(inputs, probability, name="malariascope_cnn")


def _conv_bn(x: keras.KerasTensor, filters: int, name: str) -> keras.KerasTensor:
    """3x3 conv without bias, batch norm, ReLU; the ReLU carries ``name`` (its output is A)."""
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_raw")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=name)(x)


def screening_model(model: keras.Model) -> keras.Model:
    """A flat model giving ``(probability, last-conv features)`` for export and Grad-CAM."""
    return keras.Model(
        model.inputs,
        [model.get_layer(PROBABILITY).output, model.get_layer(LAST_CONV).output],
        name="malariascope_screening",
    )


def head_weights(model: keras.Model) -> tuple[list[float], float]:
    """The Dense head's weights and bias, which turn last-conv features into the logit."""
    kernel, bias = model.get_layer(LOGIT).get_weights()
    return [float(w) for w in kernel[:, 0]], float(bias[0])
