#!/usr/bin/env python3
"""Writes Tests/Fixtures/onnx/: a small foreign ONNX classifier made with the onnx package (not by Emoscope)
and onnxruntime's answers for it, for ModelExchangeTests.

The model is what other tools export and Emoscope's own files are not: an NHWC input [batch, 48, 48, 1]
(Keras layout, transposed inside), logits out (no softmax), no metadata, classes in reverse Emotion order.
Inputs are pixels / 255 of images given by a formula both sides compute:
pixel(n, y, x) = (7x + 13y + 31n + x*y % 17) % 256.

    /tmp/tf/bin/python scripts/make-onnx-fixture.py
"""
import json
import os

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "onnx")
CLASSES = ["surprise", "sad", "neutral", "happy", "fear", "disgust", "angry"]


def pixels(count):
    n, y, x = np.meshgrid(np.arange(count), np.arange(48), np.arange(48), indexing="ij")
    return ((7 * x + 13 * y + 31 * n + (x * y) % 17) % 256).astype(np.float32)


def main():
    rng = np.random.default_rng(1)
    conv = rng.normal(0, 0.3, (8, 1, 3, 3)).astype(np.float32)
    conv_bias = rng.normal(0, 0.1, 8).astype(np.float32)
    dense = rng.normal(0, 2.0, (7, 8)).astype(np.float32)
    dense_bias = rng.normal(0, 0.1, 7).astype(np.float32)
    nodes = [
        helper.make_node("Transpose", ["image"], ["nchw"], perm=[0, 3, 1, 2]),
        # OpenCV 4.6 needs kernel_shape written out and Gemm's weights as [out, in] with transB=1.
        helper.make_node("Conv", ["nchw", "conv_w", "conv_b"], ["conv"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("GlobalAveragePool", ["relu"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "dense_w", "dense_b"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "foreign",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 48, 48, 1])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 7])],
        [numpy_helper.from_array(conv, "conv_w"), numpy_helper.from_array(conv_bias, "conv_b"),
         numpy_helper.from_array(dense, "dense_w"), numpy_helper.from_array(dense_bias, "dense_b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="onnx-helper")
    model.ir_version = 7
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "foreign-nhwc-logits.onnx")
    onnx.save(model, path)

    images = pixels(4)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    logits = session.run(None, {"image": (images / 255).reshape(4, 48, 48, 1)})[0].astype(np.float64)
    probabilities = np.exp(logits - logits.max(1, keepdims=True))
    probabilities /= probabilities.sum(1, keepdims=True)
    with open(os.path.join(OUT, "foreign-nhwc-logits.json"), "w") as file:
        json.dump({"classes": CLASSES, "onnxruntime": onnxruntime.__version__,
                   "probabilities": probabilities.round(8).tolist()}, file, indent=1)
        file.write("\n")
    print(f"wrote {path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
