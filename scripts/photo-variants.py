#!/usr/bin/env python3
"""Tries changes to how faces are read, quickly, outside Swift: one or more models exported with
`emoscope export-onnx`, run by onnxruntime on faces found and cut the way `emoscope eval --detect` does
(OpenCV's frontal-face Haar cascade, scale 1.1, 5 neighbours, faces from 24 px, the largest face, the
detector's box, edges replicated, area resize to 48x48, mirror averaging).

For each model, and for the average of all of them, it prints accuracy, macro-F1 and recall per class on a
FER2013-style split (crops, whole image = face) and on a folder of whole photos (ROOT/CLASS/*):
  - as the app reads faces today;
  - histogram-equalised faces (what `train --preprocessing equalize` records);
  - faces turned so the eyes are level (OpenCV's eye cascade in the upper half of the face box);
  - neutral's probability scaled down (does neutral win close calls?).
A screening tool: what it suggests is then measured with `emoscope eval` itself. It reproduces the app's
figures for the shipped model exactly (68.9 % on FER2013 val, 157 of 272 on the photos it was built for).

Needs onnxruntime, numpy and opencv-python-headless < 5 (5.0 dropped CascadeClassifier); a manual tool,
not part of `swift test`.

  scripts/photo-variants.py --faces ../shared/fer2013/val --photos ../shared/wild-dev/test a.onnx b.onnx
"""
import argparse
import glob
import os

import cv2
import numpy as np
import onnxruntime as ort

CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
CASCADES = "/usr/share/opencv4/haarcascades"


def listing(root):
    paths, labels = [], []
    for c, name in enumerate(CLASSES):
        found = sorted(f for f in glob.glob(os.path.join(root, name, "*"))
                       if f.lower().endswith((".png", ".jpg", ".jpeg", ".bmp")))
        paths += found
        labels += [c] * len(found)
    if not paths:
        raise SystemExit(f"{root}: no CLASS/* images (classes {', '.join(CLASSES)})")
    return paths, np.array(labels)


def read_gray(path):
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise SystemExit(f"{path}: cannot be decoded as an image")
    return image


def to48(image):
    return cv2.resize(image, (48, 48), interpolation=cv2.INTER_AREA)


def largest_face(gray, cascade):
    faces = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24))
    return max(faces, key=lambda f: f[2] * f[3]) if len(faces) else None


def eye_angle(gray, box, eyes):
    x, y, w, h = box
    top = gray[y:y + h // 2 + h // 10, x:x + w]
    found = eyes.detectMultiScale(top, 1.1, 3, minSize=(w // 10, w // 10), maxSize=(w // 3, w // 3))
    if len(found) < 2:
        return 0.0
    a, b = sorted(sorted(found, key=lambda e: -e[2] * e[3])[:2], key=lambda e: e[0])
    left, right = (a[0] + a[2] / 2, a[1] + a[3] / 2), (b[0] + b[2] / 2, b[1] + b[3] / 2)
    if right[0] - left[0] < 0.2 * w:
        return 0.0
    return float(np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0])))


def photo_faces(paths, align):
    faces_cascade = cv2.CascadeClassifier(os.path.join(CASCADES, "haarcascade_frontalface_default.xml"))
    eyes = cv2.CascadeClassifier(os.path.join(CASCADES, "haarcascade_eye.xml"))
    crops, found = [], []
    for path in paths:
        gray = read_gray(path)
        box = largest_face(gray, faces_cascade)
        found.append(box is not None)
        if box is None:
            crops.append(np.zeros((48, 48), np.uint8))
            continue
        x, y, w, h = (int(v) for v in box)
        if align:
            turn = cv2.getRotationMatrix2D((x + w / 2, y + h / 2), eye_angle(gray, (x, y, w, h), eyes), 1.0)
            gray = cv2.warpAffine(gray, turn, (gray.shape[1], gray.shape[0]), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
        padded = cv2.copyMakeBorder(gray, w, w, w, w, cv2.BORDER_REPLICATE)
        crops.append(to48(padded[y + w:y + w + h, x + w:x + 2 * w]))
    return crops, np.array(found)


class Model:
    def __init__(self, path):
        self.session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name

    def run(self, faces):
        x = np.stack(faces).astype(np.float32)[:, None, :, :]
        return np.concatenate([self.session.run(None, {self.input: x[i:i + 256]})[0] for i in range(0, len(x), 256)])

    def probabilities(self, faces):
        return (self.run(faces) + self.run([f[:, ::-1] for f in faces])) / 2


def report(name, p, labels, found=None):
    predicted = p.argmax(1)
    right = (predicted == labels) if found is None else (predicted == labels) & found
    f1 = []
    for c in range(len(CLASSES)):
        tp = (right & (labels == c)).sum()
        f1.append(2 * tp / max(1, (predicted == c).sum() + (labels == c).sum()))
    recall = " ".join(f"{CLASSES[c][:3]} {right[labels == c].mean() * 100:3.0f}" for c in range(len(CLASSES)))
    print(f"{name:44s} {right.mean() * 100:5.1f} % ({right.sum()}/{len(labels)})  macro-F1 {np.mean(f1) * 100:5.1f} %  {recall}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", help="a FER2013-style split: CLASS/* crops")
    parser.add_argument("--photos", help="whole photos: CLASS/*")
    parser.add_argument("models", nargs="+", help="ONNX files written by emoscope export-onnx")
    args = parser.parse_args()
    models = {os.path.basename(m): Model(m) for m in args.models}
    sets = []
    if args.faces:
        paths, labels = listing(args.faces)
        faces = [to48(read_gray(p)) for p in paths]
        sets.append(("faces", {"as read": faces, "equalised": [cv2.equalizeHist(f) for f in faces]}, labels, None))
    if args.photos:
        paths, labels = listing(args.photos)
        plain, found = photo_faces(paths, align=False)
        aligned, _ = photo_faces(paths, align=True)
        sets.append(("photos", {"as read": plain, "equalised": [cv2.equalizeHist(f) for f in plain],
                                "eyes level": aligned}, labels, found))
    for set_name, variants, labels, found in sets:
        for variant, faces in variants.items():
            outputs = {name: m.probabilities(faces) for name, m in models.items()}
            if len(outputs) > 1:
                outputs["average of all"] = sum(outputs.values()) / len(outputs)
            for name, p in outputs.items():
                report(f"{set_name}, {variant}: {name}", p, labels, found)
                if variant == "as read":
                    for scale in (0.8, 0.6):
                        q = p.copy()
                        q[:, CLASSES.index("neutral")] *= scale
                        report(f"{set_name}, neutral x{scale}: {name}", q, labels, found)


if __name__ == "__main__":
    main()
