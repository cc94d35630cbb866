"""Several trained networks as one flat model with one GAP -> Dense head: the mean of their logits.

Each member's logit is linear in its spatially averaged last-conv features. Concatenating the
members' last-conv features (all of one spatial size) and giving one dense unit each member's
weights divided by the number of members, and the mean of their biases, gives exactly the mean
of the members' logits. So the card's head stays one linear map over the feature channels:
Grad-CAM stays exact (the class map is the mean of the members' maps) and lab adaptation can
refit it without TensorFlow. The members' layers are copied into the one model (prefixed
``m0_``, ``m1_``...), not nested, so ``get_layer`` finds the feature and logit layers and the
file loads with ``safe_mode=True``.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from malariascope.training.model import GAP, LAST_CONV, LOGIT, PROBABILITY

_HEAD = {GAP, "dropout", LOGIT, PROBABILITY}  # what each member ends in, replaced by one head
ENSEMBLE = "ensemble"  #: the output of :func:`side_by_side` that training watches


def combine(members: list[keras.Model]) -> keras.Model:
    """One model whose logit is the mean of the ``members``' logits (see the module doc)."""
    if len(members) == 1:
        return members[0]
    inputs = keras.Input(members[0].input_shape[1:], name="image")
    features = [_copy_trunk(member, inputs, f"m{i}_") for i, member in enumerate(members)]
    pooled = layers.GlobalAveragePooling2D(name=GAP)(
        layers.Concatenate(name=LAST_CONV)(features))
    dense = layers.Dense(1, name=LOGIT)
    logit = dense(pooled)
    heads = [member.get_layer(LOGIT).get_weights() for member in members]
    dense.set_weights([np.concatenate([kernel for kernel, _ in heads]) / len(members),
                       np.mean([bias for _, bias in heads], axis=0)])
    probability = layers.Activation("sigmoid", name=PROBABILITY)(logit)
    return keras.Model(inputs, probability, name=members[0].name)


def _copy_trunk(member: keras.Model, inputs: keras.KerasTensor, prefix: str) -> keras.KerasTensor:
    """Apply copies of ``member``'s layers up to its head to ``inputs``, with its weights.

    A member is one chain of layers (the builder's), so its layer list is its order."""
    x = inputs
    for layer in member.layers[1:]:
        if layer.name in _HEAD:
            break
        copy = layer.__class__.from_config({**layer.get_config(), "name": prefix + layer.name})
        x = copy(x)
        copy.set_weights(layer.get_weights())
    return x


def side_by_side(members: list[keras.Model]) -> keras.Model:
    """The members as one model to train at once on the same augmented batches.

    Each member's probability is an output (``member0``, ``member1``...) to be given its own
    loss, so no member's gradient depends on another; the output :data:`ENSEMBLE`, the
    probability of their mean logit (as :func:`combine` makes it), takes no loss and is what
    early stopping watches.
    """
    inputs = keras.Input(members[0].input_shape[1:], name="image")
    outputs, logits = {}, []
    for i, member in enumerate(members):
        both = keras.Model(member.inputs, [member.output, member.get_layer(LOGIT).output],
                           name=f"member{i}")
        outputs[f"member{i}"], logit = both(inputs)
        logits.append(logit)
    mean = layers.Average()(logits) if len(logits) > 1 else logits[0]
    outputs[ENSEMBLE] = layers.Activation("sigmoid", name=ENSEMBLE)(mean)
    return keras.Model(inputs, outputs, name="members_side_by_side")
