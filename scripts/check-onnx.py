#!/usr/bin/env python3
"""Checks an exported ONNX model against Emoscope itself, outside Swift.

Exports MODEL with `emoscope export-onnx`, then compares, image by image:
  - onnxruntime running the exported file on the raw pixels, and
  - `emoscope predict --model MODEL.onnx` (OpenCV's dnn module, through Emoscope's bridge)
with `emoscope predict --model MODEL --tta none --json` (NeuralNet), and prints the largest absolute
differences of the probabilities and whether the labels agree. Exit status 1 when a difference passes
--tolerance or a label differs.

Needs onnxruntime, onnx, numpy and Pillow (e.g. a venv with `pip install onnxruntime onnx pillow`); it is a
manual check, not part of `swift test`. Images must already be the model's input size (FER2013's 48x48
crops are, for a 48x48 model; resize them beforehand for another size), so no resizing can differ between
the two sides; they are decoded once, by Pillow, and handed to emoscope as PNG copies, so JPEG decoders
cannot differ either.

  scripts/check-onnx.py --emoscope .build/release/emoscope --model Resources/Models/emoscope-compact.safetensors \
      ../shared/fer2013/val --limit 500
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime
from PIL import Image

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".pgm")


def image_paths(arguments, limit):
    """Files as given, folders walked in sorted order (at most `limit` files per folder argument)."""
    paths = []
    for argument in arguments:
        if os.path.isdir(argument):
            found = []
            for root, folders, files in os.walk(argument):
                folders.sort()
                found += [os.path.join(root, name) for name in sorted(files) if name.lower().endswith(EXTENSIONS)]
            # Every class folder represented: take evenly spaced files rather than the first ones.
            step = max(1, len(found) // limit)
            paths += found[::step][:limit]
        else:
            paths.append(argument)
    return paths


def predict(emoscope, model, paths):
    """`emoscope predict --tta none --json` for every path, as {path: {class name: probability}}."""
    result = {}
    for start in range(0, len(paths), 200):
        command = [emoscope, "predict", "--model", model, "--tta", "none", "--json"] + paths[start:start + 200]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        for line in output.splitlines():
            row = json.loads(line)
            result[row["image"]] = row["probabilities"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emoscope", required=True, help="the emoscope executable")
    parser.add_argument("--model", required=True, help="the .safetensors model to export")
    parser.add_argument("--limit", type=int, default=300, help="images taken from each folder argument")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("images", nargs="+", help="image files or folders")
    args = parser.parse_args()

    paths = image_paths(args.images, args.limit)
    with tempfile.TemporaryDirectory() as folder:
        exported = os.path.join(folder, "model.onnx")
        subprocess.run([args.emoscope, "export-onnx", args.model, "--out", exported], check=True, capture_output=True)
        model = onnx.load(exported)
        onnx.checker.check_model(model)
        metadata = {entry.key: entry.value for entry in model.metadata_props}
        classes = json.loads(metadata["classes"])
        height, width = (int(v) for v in metadata["input_size"].split("x"))
        session = onnxruntime.InferenceSession(exported, providers=["CPUExecutionProvider"])
        input_name = session.get_inputs()[0].name

        pixels, kept = [], []
        for path in paths:
            image = Image.open(path).convert("L")
            if image.size != (width, height):
                print(f"skipped {path}: {image.size[0]}x{image.size[1]}, not the model's {width}x{height}", file=sys.stderr)
                continue
            copy = os.path.join(folder, f"{len(kept):06d}.png")
            image.save(copy)
            pixels.append(np.asarray(image, dtype=np.float32).reshape(1, height, width))
            kept.append(copy)
        if not kept:
            sys.exit("no image of the model's input size")
        native = predict(args.emoscope, args.model, kept)
        opencv = predict(args.emoscope, exported, kept)

    runtime = np.concatenate([session.run(None, {input_name: np.stack(pixels[start:start + 256])})[0]
                              for start in range(0, len(kept), 256)])

    def as_matrix(rows):
        return np.array([[rows[path][name] for name in classes] for path in kept], dtype=np.float64)

    reference = as_matrix(native)
    failed = False
    for label, values in (("onnxruntime", runtime.astype(np.float64)), ("OpenCV dnn (emoscope --model .onnx)", as_matrix(opencv))):
        difference = np.abs(values - reference).max()
        disagree = int((values.argmax(1) != reference.argmax(1)).sum())
        print(f"{label}: {len(kept)} images, max abs difference {difference:.3g}, labels differ on {disagree}")
        failed |= difference > args.tolerance or disagree > 0
    print(f"opset {model.opset_import[0].version}, classes {classes}, input {height}x{width}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
