#!/usr/bin/env python3
"""Generates Keras reference fixtures for NeuralNetTests (see README.md in this folder).

Every case builds a small tf.keras model, sets deterministic weights, runs a fixed input and records what
Keras computes. The Swift tests rebuild the same network from the case's layer list, load the same weights
and compare. Output: fixtures.json (the index) + fixtures.bin (every tensor, little-endian float32,
concatenated; each tensor is named in the index with its shape and its offset/count in floats).

Run: /work/venv-tf/bin/python Tests/Fixtures/keras/make_fixtures.py   (from the repository root, or anywhere)
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20240611)

tensors = {}   # name -> (shape, float32 array)
cases = []


def put(name, array):
    array = np.asarray(array, dtype=np.float32)
    assert name not in tensors, name
    tensors[name] = array
    return name


def uniform(shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


# --- layer descriptions: the JSON form the Swift test maps onto LayerSpec, and the matching Keras layer ---
def conv(filters, kernel, strides=1, padding="same", use_bias=True):
    kernel = list(kernel) if isinstance(kernel, (tuple, list)) else [kernel, kernel]
    return ({"type": "conv2d", "filters": filters, "kernel": kernel, "strides": strides, "padding": padding,
             "use_bias": use_bias},
            keras.layers.Conv2D(filters, tuple(kernel), strides=strides, padding=padding, use_bias=use_bias))


def batchnorm():
    return ({"type": "batchnorm", "epsilon": 1e-3, "momentum": 0.99},
            keras.layers.BatchNormalization(epsilon=1e-3, momentum=0.99))


def relu():
    return ({"type": "relu"}, keras.layers.ReLU())


def maxpool(size, strides):
    return ({"type": "maxpool", "size": size, "strides": strides},
            keras.layers.MaxPooling2D(size, strides=strides))


def avgpool(size, strides):
    return ({"type": "avgpool", "size": size, "strides": strides},
            keras.layers.AveragePooling2D(size, strides=strides))


def gap():
    return ({"type": "globalavgpool"}, keras.layers.GlobalAveragePooling2D())


def dropout(rate):
    return ({"type": "dropout", "rate": rate}, keras.layers.Dropout(rate))


def flatten():
    return ({"type": "flatten"}, keras.layers.Flatten())


def dense(units, use_bias=True):
    return ({"type": "dense", "units": units, "use_bias": use_bias}, keras.layers.Dense(units, use_bias=use_bias))


def crop(top, bottom, left, right):
    return ({"type": "cropping2d", "cropping": [[top, bottom], [left, right]]},
            keras.layers.Cropping2D(((top, bottom), (left, right))))


def softmax():
    return ({"type": "softmax"}, keras.layers.Softmax())


WEIGHT_NAMES = {
    "conv2d": ["kernel", "bias"], "dense": ["kernel", "bias"],
    "batchnorm": ["gamma", "beta", "moving_mean", "moving_variance"],
}


def build(name, input_shape, layers):
    """Builds the Keras model, gives every weight a deterministic non-trivial value, records them."""
    specs = [spec for spec, _ in layers]
    model = keras.Sequential([keras.Input(shape=tuple(input_shape))] + [layer for _, layer in layers])
    weights = []
    for index, (spec, layer) in enumerate(layers):
        current = layer.get_weights()
        if not current:
            continue
        names = WEIGHT_NAMES[spec["type"]][:len(current)]
        values = []
        for weight_name, value in zip(names, current):
            if weight_name == "gamma":
                new = uniform(value.shape, 0.5, 1.5)
            elif weight_name == "moving_variance":
                new = uniform(value.shape, 0.5, 2.0)
            elif weight_name in ("beta", "moving_mean", "bias"):
                new = uniform(value.shape, -0.5, 0.5)
            else:  # kernels: Glorot-like scale keeps activations O(1)
                fan_in = int(np.prod(value.shape[:-1]))
                limit = np.sqrt(3.0 / fan_in)
                new = uniform(value.shape, -limit, limit)
            values.append(new)
            weights.append({"layer": index, "name": weight_name,
                            "tensor": put(f"{name}/weight/{index}/{weight_name}", new)})
        layer.set_weights(values)
    return model, specs, weights


def inference_case(name, input_shape, layers, batch=2, description=""):
    model, specs, weights = build(name, input_shape, layers)
    x = rng.normal(0, 1, size=(batch, *input_shape)).astype(np.float32)
    y = model(x, training=False).numpy()
    cases.append({"name": name, "kind": "inference", "description": description, "input_shape": input_shape,
                  "layers": specs, "weights": weights, "parameter_count": int(model.count_params()),
                  "input": put(f"{name}/input", x), "output": put(f"{name}/output", y)})


def batchnorm_training_case(name, input_shape, batch):
    """Keras BatchNormalization called with training=True: batch statistics and moving-average update."""
    model, specs, weights = build(name, input_shape, [batchnorm()])
    x = (rng.normal(0.7, 1.5, size=(batch, *input_shape))).astype(np.float32)
    y = model(x, training=True).numpy()
    layer = model.layers[0]
    cases.append({"name": name, "kind": "batchnorm_training",
                  "description": "one training-mode call: output from batch statistics, moving stats after",
                  "input_shape": input_shape, "layers": specs, "weights": weights,
                  "input": put(f"{name}/input", x), "output": put(f"{name}/output", y),
                  "moving_mean_after": put(f"{name}/moving_mean_after", layer.moving_mean.numpy()),
                  "moving_variance_after": put(f"{name}/moving_variance_after", layer.moving_variance.numpy())})


def loss_case(name, batch, classes, label_smoothing, class_weights):
    logits = rng.normal(0, 2, size=(batch, classes)).astype(np.float32)
    labels = rng.randint(0, classes, size=batch)
    logits_var = tf.Variable(logits)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=label_smoothing)
    sample_weight = None if class_weights is None else np.asarray(class_weights, np.float32)[labels]
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.one_hot(labels, classes), logits_var, sample_weight=sample_weight)
    gradient = tape.gradient(loss, logits_var).numpy()
    cases.append({"name": name, "kind": "loss",
                  "description": "CategoricalCrossentropy(from_logits=True) with sample_weight = class weight",
                  "labels": labels.tolist(), "label_smoothing": label_smoothing, "class_weights": class_weights,
                  "logits": put(f"{name}/logits", logits), "loss": put(f"{name}/loss", [float(loss)]),
                  "gradient": put(f"{name}/gradient", gradient)})


def train_step_case(name, input_shape, layers, batch, optimizer_spec, steps, label_smoothing=0.0,
                    class_weights=None, classes=7):
    """`steps` training steps on the same batch: model(x, training=True) -> logits -> loss -> gradients ->
    optimizer. Records the first step's loss and gradients and every weight after each step."""
    model, specs, weights = build(name, input_shape, layers)
    if optimizer_spec["type"] == "adam":
        optimizer = keras.optimizers.Adam(learning_rate=optimizer_spec["learning_rate"])
    else:
        optimizer = keras.optimizers.SGD(learning_rate=optimizer_spec["learning_rate"],
                                         momentum=optimizer_spec["momentum"], nesterov=optimizer_spec["nesterov"])
    x = rng.normal(0, 1, size=(batch, *input_shape)).astype(np.float32)
    labels = rng.randint(0, classes, size=batch)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=label_smoothing)
    sample_weight = None if class_weights is None else np.asarray(class_weights, np.float32)[labels]
    targets = tf.one_hot(labels, classes)
    # Keras weight order per layer equals ours (kernel, bias / gamma, beta, moving_mean, moving_variance).
    keyed = []
    for index, (spec, layer) in enumerate(zip(specs, model.layers)):
        for weight_name, variable in zip(WEIGHT_NAMES.get(spec["type"], []), layer.weights):
            keyed.append((index, weight_name, variable))
    record = {"name": name, "kind": "train_step", "input_shape": input_shape, "layers": specs,
              "weights": weights, "optimizer": optimizer_spec, "labels": labels.tolist(),
              "label_smoothing": label_smoothing, "class_weights": class_weights,
              "input": put(f"{name}/input", x), "steps": []}
    for step in range(steps):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(targets, logits, sample_weight=sample_weight)
        trainable = model.trainable_variables
        grads = tape.gradient(loss, trainable)
        by_id = {id(v): g for v, g in zip(trainable, grads)}
        optimizer.apply_gradients(zip(grads, trainable))
        entry = {"loss": put(f"{name}/step{step}/loss", [float(loss)]),
                 "logits": put(f"{name}/step{step}/logits", logits.numpy()),
                 "gradients": [], "weights_after": []}
        for index, weight_name, variable in keyed:
            if id(variable) in by_id:
                entry["gradients"].append({"layer": index, "name": weight_name, "tensor": put(
                    f"{name}/step{step}/grad/{index}/{weight_name}", by_id[id(variable)].numpy())})
            entry["weights_after"].append({"layer": index, "name": weight_name, "tensor": put(
                f"{name}/step{step}/after/{index}/{weight_name}", variable.numpy())})
        record["steps"].append(entry)
    cases.append(record)


def main():
    # Convolutions: padding, strides, odd/even sizes, rectangular and even kernels, 1x1, with/without bias.
    inference_case("conv_same_s1", [5, 6, 2], [conv(3, 3)])
    inference_case("conv_valid_s1", [5, 6, 2], [conv(3, (3, 2), padding="valid")])
    inference_case("conv_same_s2_even", [6, 6, 2], [conv(3, 3, strides=2)],
                   description="TF puts the extra padding pixel at the bottom/right")
    inference_case("conv_same_s2_odd", [7, 5, 2], [conv(2, 3, strides=2)])
    inference_case("conv_valid_s2", [7, 6, 3], [conv(2, 3, strides=2, padding="valid")])
    inference_case("conv_same_k2", [5, 4, 2], [conv(3, 2, use_bias=False)],
                   description="an even kernel: same padding entirely at the bottom/right")
    inference_case("conv_same_k5_s2", [8, 7, 1], [conv(2, 5, strides=2)])
    inference_case("conv_pointwise", [4, 3, 4], [conv(3, 1, use_bias=False)])
    # Normalisation, pooling, dense.
    inference_case("batchnorm_inference", [3, 4, 3], [batchnorm()])
    inference_case("batchnorm_inference_flat", [5], [batchnorm()], batch=3)
    batchnorm_training_case("batchnorm_training", [3, 3, 2], batch=4)
    batchnorm_training_case("batchnorm_training_flat", [4], batch=6)
    inference_case("maxpool_2_odd", [5, 5, 2], [maxpool(2, 2)])
    inference_case("maxpool_3_s2", [7, 6, 2], [maxpool(3, 2)])
    inference_case("avgpool_2", [4, 6, 2], [avgpool(2, 2)])
    inference_case("avgpool_3_s1", [5, 4, 2], [avgpool(3, 1)])
    inference_case("global_avgpool", [3, 4, 3], [gap()])
    inference_case("dense_softmax", [6], [dense(5), softmax()], batch=3)
    inference_case("flatten_dense", [2, 3, 2], [flatten(), dense(4, use_bias=False)], batch=3,
                   description="Flatten order is NHWC, as Keras")
    # A mini version of the tutorial network (its block structure on a 12x12 input), inference mode.
    tutorial = [conv(4, 3), batchnorm(), relu(), maxpool(2, 2), dropout(0.25),
                conv(6, 5), batchnorm(), relu(), maxpool(2, 2), dropout(0.25),
                flatten(), dense(8), batchnorm(), relu(), dropout(0.25), dense(7), softmax()]
    inference_case("mini_tutorial", [12, 12, 1], tutorial, batch=3)
    # Loss.
    loss_case("loss_plain", 5, 7, 0.0, None)
    loss_case("loss_smoothing_weights", 6, 7, 0.1, [1.0, 2.0, 0.5, 1.5, 1.0, 0.8, 3.0])
    # Training steps through every trainable layer kind (no dropout: its masks are not comparable).
    # A bias right before BatchNorm has a gradient of exactly 0 in theory, i.e. rounding noise in practice,
    # which Adam would blow up to ±lr: such layers go without bias (as they do in our compact network).
    network = [conv(4, 3, use_bias=False), batchnorm(), relu(), maxpool(2, 2),
               conv(5, 3, strides=2, padding="valid", use_bias=False), batchnorm(), relu(),
               flatten(), dense(6, use_bias=False), batchnorm(), relu(), dense(7)]
    train_step_case("train_adam", [10, 10, 1], network, batch=4,
                    optimizer_spec={"type": "adam", "learning_rate": 0.01}, steps=2,
                    label_smoothing=0.1, class_weights=[1.0, 2.0, 0.5, 1.5, 1.0, 0.8, 3.0])
    train_step_case("train_sgd_nesterov", [6], [dense(5), relu(), dense(7)], batch=5,
                    optimizer_spec={"type": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
                    steps=2)
    train_step_case("train_gap", [6, 6, 2], [conv(3, 3, use_bias=False), batchnorm(), relu(), avgpool(2, 2), gap(), dense(7)],
                    batch=3, optimizer_spec={"type": "adam", "learning_rate": 0.001}, steps=1)
    # Cropping2D (appended last, so the random draws of every case above stay as they were): forward, and
    # its gradient carried back to the convolution before it.
    inference_case("cropping", [7, 6, 2], [crop(1, 2, 0, 1), conv(3, 3)])
    train_step_case("train_crop", [8, 8, 1], [conv(3, 3, use_bias=False), batchnorm(), relu(), crop(2, 1, 1, 2),
                                              conv(4, 3, strides=2, padding="valid", use_bias=False), relu(),
                                              flatten(), dense(7)],
                    batch=3, optimizer_spec={"type": "adam", "learning_rate": 0.01}, steps=1)

    offset = 0
    index = {}
    blobs = []
    for name, array in tensors.items():
        index[name] = {"shape": list(array.shape), "offset": offset, "count": int(array.size)}
        offset += int(array.size)
        blobs.append(array.astype("<f4").ravel())
    with open(os.path.join(HERE, "fixtures.bin"), "wb") as f:
        f.write(np.concatenate(blobs).tobytes())
    document = {
        "format": "Emoscope Keras fixtures v1: tensors are little-endian float32 in fixtures.bin at "
                  "offset/count (in floats), row-major, NHWC; Conv2D kernels [kh, kw, in, out]; Dense [in, out]",
        "generator": "Tests/Fixtures/keras/make_fixtures.py",
        "tensorflow_version": tf.__version__, "keras_version": keras.__version__,
        "cases": cases, "tensors": index,
    }
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases, {offset} floats ({4 * offset} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
