#!/usr/bin/env python3
"""Makes the Keras files that KerasImportTests import (see README.md in this folder).

A small network shaped like the Keras tutorial's (same layer types, kernel sizes and order, few channels),
random weights and non-trivial BatchNorm moving statistics, saved exactly as the tutorial saved its model:
`model.to_json()` -> model.json and `model.save_weights("weights.h5")` (Keras 2 API, tf_keras). Also:
  predictions.json          fixed 48x48 inputs (raw 0-255 gray, as the tutorial fed them) + Keras's outputs
  tutorial.json             the full tutorial architecture (JSON only, no weights)
  full-model.h5             model.save("full-model.h5"): weights under /model_weights
  model-keras3.json         the same network and weights through Keras 3 ...
  weights-keras3.weights.h5 ... and its save_weights layout (layers/<name>/vars/<i>)
  damaged-*.h5              weight files each broken in one way (missing layer, wrong shape, wrong dtype)

Run: /work/venv-tf/bin/python Tests/Fixtures/keras-import/make_fixtures.py   (needs tensorflow + tf-keras)
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tf_keras as k2  # noqa: E402
import keras as k3  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
rng = np.random.RandomState(48)


def tutorial_shaped(layers, widths, dense_units):
    """The tutorial's layer sequence; `widths` are the four conv blocks' filter counts."""
    model = (k2 if layers is k2.layers else k3).Sequential()
    if layers is k3.layers:
        model.add(k3.Input((48, 48, 1)))
    for index, (filters, kernel) in enumerate(zip(widths, [3, 5, 3, 5])):
        extra = {"input_shape": (48, 48, 1)} if index == 0 and layers is k2.layers else {}
        model.add(layers.Conv2D(filters, (kernel, kernel), padding="same", **extra))
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D(pool_size=(2, 2)))
        model.add(layers.Dropout(0.25))
    model.add(layers.Flatten())
    model.add(layers.Dense(dense_units))
    model.add(layers.BatchNormalization())
    model.add(layers.Activation("relu"))
    model.add(layers.Dropout(0.25))
    model.add(layers.Dense(7, activation="softmax"))
    return model


def fixed_inputs(count):
    """Face-like smooth gray images with noise, as uint8 0-255."""
    y, x = np.mgrid[0:48, 0:48].astype(np.float32)
    images = []
    for n in range(count):
        cx, cy = 24 + rng.uniform(-6, 6), 24 + rng.uniform(-6, 6)
        blob = 150 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * rng.uniform(60, 200)))
        ramp = rng.uniform(-1.5, 1.5) * x + rng.uniform(-1.5, 1.5) * y
        image = 60 + blob + ramp + rng.normal(0, 12, (48, 48))
        images.append(np.clip(np.round(image), 0, 255).astype(np.uint8))
    return np.stack(images)[..., None]


def set_weights_with_real_statistics(model, inputs):
    """Random kernels; each BatchNorm's moving mean/variance near the statistics of what reaches it (so
    activations stay in range and the softmax is not saturated), perturbed so they are not exact."""
    x = inputs.astype(np.float32)
    for layer in model.layers:
        weights = layer.get_weights()
        if isinstance(layer, (k2.layers.Conv2D, k2.layers.Dense)):
            kernel = weights[0]
            fan_in = int(np.prod(kernel.shape[:-1]))
            weights = [rng.normal(0, 1 / np.sqrt(fan_in), kernel.shape).astype(np.float32),
                       rng.normal(0, 0.1, weights[1].shape).astype(np.float32)]
        elif isinstance(layer, k2.layers.BatchNormalization):
            axes = tuple(range(x.ndim - 1))
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            channels = mean.shape[0]
            weights = [rng.uniform(0.5, 1.5, channels), rng.normal(0, 0.3, channels),
                       mean + rng.normal(0, 0.2, channels) * np.sqrt(var), var * rng.uniform(0.6, 1.6, channels)]
            weights = [w.astype(np.float32) for w in weights]
        layer.set_weights(weights)
        x = layer(x, training=False).numpy()
    return model


def save_damaged(source, name, change):
    path = os.path.join(HERE, name)
    with h5py.File(os.path.join(HERE, source), "r") as original, h5py.File(path, "w") as damaged:
        for key, value in original.attrs.items():
            damaged.attrs[key] = value
        for key in original:
            original.copy(original[key], damaged, name=key)
        change(damaged)


def main():
    inputs = fixed_inputs(4)
    model = set_weights_with_real_statistics(tutorial_shaped(k2.layers, [4, 4, 8, 4], 8), inputs)
    with open(os.path.join(HERE, "model.json"), "w") as f:
        f.write(model.to_json())
    model.save_weights(os.path.join(HERE, "weights.h5"))
    model.save(os.path.join(HERE, "full-model.h5"))
    probabilities = model.predict(inputs.astype(np.float32), verbose=0)

    # The same network through Keras 3: its JSON and its .weights.h5 layout must give the same outputs.
    model3 = tutorial_shaped(k3.layers, [4, 4, 8, 4], 8)
    model3.set_weights(model.get_weights())
    with open(os.path.join(HERE, "model-keras3.json"), "w") as f:
        f.write(model3.to_json())
    model3.save_weights(os.path.join(HERE, "weights-keras3.weights.h5"))
    probabilities3 = model3.predict(inputs.astype(np.float32), verbose=0)
    assert np.abs(probabilities - probabilities3).max() < 1e-5

    with open(os.path.join(HERE, "predictions.json"), "w") as f:
        json.dump({"classes": CLASSES, "input_scale": 1.0,
                   "inputs": [image.reshape(-1).astype(int).tolist() for image in inputs],
                   "probabilities": [[float(p) for p in row] for row in probabilities]}, f)

    tutorial = tutorial_shaped(k2.layers, [64, 128, 512, 128], 256)
    assert tutorial.count_params() == 2_735_751, tutorial.count_params()
    with open(os.path.join(HERE, "tutorial.json"), "w") as f:
        f.write(tutorial.to_json())

    def drop_layer(f):
        del f["batch_normalization_2"]
        f.attrs["layer_names"] = [n for n in f.attrs["layer_names"] if n != "batch_normalization_2"]
    save_damaged("weights.h5", "damaged-missing-layer.h5", drop_layer)

    def wrong_shape(f):
        del f["conv2d_1/conv2d_1/kernel:0"]
        f["conv2d_1/conv2d_1"].create_dataset("kernel:0", data=np.zeros((3, 3, 4, 4), np.float32))
    save_damaged("weights.h5", "damaged-wrong-shape.h5", wrong_shape)

    def wrong_dtype(f):
        del f["dense/dense/bias:0"]
        f["dense/dense"].create_dataset("bias:0", data=np.zeros((8,), np.int32))
    save_damaged("weights.h5", "damaged-wrong-dtype.h5", wrong_dtype)
    print("probabilities:\n", np.round(probabilities, 4))


if __name__ == "__main__":
    main()
