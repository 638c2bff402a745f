#!/usr/bin/env python3
"""Measures the live path on real faces over time: turns a folder of whole photos (ROOT/CLASS/*, as
`eval --detect` reads) into one video per person, resting (their neutral photos) most of the time with each of
their expressions held in between, and scores what `emoscope analyze` shows on them.

  scripts/person-videos.py make ROOT OUTDIR [--people REGEX]     # OUTDIR/PERSON.avi and OUTDIR/schedule.csv
  emoscope analyze OUTDIR/*.avi --csv shown.csv                  # add --no-adaptation for the network alone
  scripts/person-videos.py score OUTDIR/schedule.csv shown.csv

Each video: 6 s at rest, then each expression photo held 2 s, each followed by 2 s at rest (the person's
neutral photos in turn), 10 frames a second. A segment is scored by the label shown most often in its second
half (smoothing has settled by then); the opening rest, before anything is known of the face, is not scored.

Needs numpy and opencv-python-headless; a manual tool, not part of `swift test`.
"""
import argparse
import collections
import csv
import glob
import os
import re

import cv2

CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
FPS = 10


def make(root, out, people_pattern):
    people = collections.defaultdict(list)
    for path in sorted(glob.glob(os.path.join(root, "*", "*"))):
        emotion = os.path.basename(os.path.dirname(path))
        match = re.search(people_pattern, os.path.basename(path))
        if emotion in CLASSES and match:
            people[match.group(0)].append((emotion, path))
    os.makedirs(out, exist_ok=True)
    rows = []
    for person, photos in sorted(people.items()):
        rest = [p for e, p in photos if e == "neutral"]
        shown = [(e, p) for e, p in photos if e != "neutral"]
        if not rest or not shown:
            print(f"{person}: skipped (needs neutral photos and others)")
            continue
        frames = []

        def hold(emotion, path, seconds):
            image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
            if image is None:
                raise SystemExit(f"{path}: cannot be decoded as an image")
            image = cv2.copyMakeBorder(image, 32, 32, 32, 32, cv2.BORDER_REPLICATE)
            frames.extend([(emotion, path, image)] * int(seconds * FPS))

        hold("neutral", rest[0], 6)
        for i, (emotion, path) in enumerate(shown):
            hold(emotion, path, 2)
            hold("neutral", rest[(i + 1) % len(rest)], 2)
        height, width = frames[0][2].shape
        video = os.path.join(out, f"{person}.avi")
        writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"MJPG"), FPS, (width, height))
        for n, (emotion, path, image) in enumerate(frames):
            writer.write(cv2.cvtColor(cv2.resize(image, (width, height)), cv2.COLOR_GRAY2BGR))
            rows.append((os.path.basename(video), n, emotion, os.path.basename(path)))
        writer.release()
    with open(os.path.join(out, "schedule.csv"), "w", newline="") as f:
        csv.writer(f).writerows([("file", "frame", "truth", "photo")] + rows)
    print(f"{len({r[0] for r in rows})} videos, {len(rows)} frames in {out}")


def score(schedule_path, shown_paths):
    schedule = {}
    for r in csv.DictReader(open(schedule_path)):
        schedule[(r["file"], int(r["frame"]))] = (r["truth"], r["photo"])
    segments = []
    for (video, n), (truth, photo) in sorted(schedule.items()):
        last = segments[-1] if segments else None
        if last is None or last["video"] != video or last["photo"] != photo or last["frames"][-1] != n - 1:
            segments.append({"video": video, "photo": photo, "truth": truth, "frames": []})
        segments[-1]["frames"].append(n)
    for shown_path in shown_paths:
        labels = {}
        for r in csv.DictReader(open(shown_path)):
            key = (os.path.basename(r["file"]), int(r["frame"]))
            area = int(r["w"]) * int(r["h"])
            if key not in labels or area > labels[key][1]:
                labels[key] = (r["emotion"], area)
        right, total = collections.Counter(), collections.Counter()
        frames_right = frames = 0
        for s in segments:
            if s["frames"][0] == 0:
                continue
            shown = [labels.get((s["video"], n), ("none", 0))[0] for n in s["frames"]]
            majority = collections.Counter(shown[len(shown) // 2:]).most_common(1)[0][0]
            total[s["truth"]] += 1
            right[s["truth"]] += majority == s["truth"]
            frames += len(shown)
            frames_right += sum(label == s["truth"] for label in shown)
        held = [c for c in CLASSES if c != "neutral"]
        e, et = sum(right[c] for c in held), sum(total[c] for c in held)
        print(f"{shown_path}: expressions held {e}/{et} ({e / max(1, et) * 100:.1f} %), rests "
              f"{right['neutral']}/{total['neutral']} ({right['neutral'] / max(1, total['neutral']) * 100:.1f} %), "
              f"frames {frames_right / max(1, frames) * 100:.1f} %")
        print("  " + ", ".join(f"{c} {right[c]}/{total[c]}" for c in CLASSES))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("make")
    m.add_argument("root")
    m.add_argument("out")
    m.add_argument("--people", default=r"^[^._]+", help="the first match in a file name names the person")
    s = commands.add_parser("score")
    s.add_argument("schedule")
    s.add_argument("shown", nargs="+", help="CSV files written by emoscope analyze --csv")
    args = parser.parse_args()
    if args.command == "make":
        make(args.root, args.out, args.people)
    else:
        score(args.schedule, args.shown)


if __name__ == "__main__":
    main()
