"""What OpenCV's CLAHE (clip limit 2, 4 x 4 tiles: the `contrast` test-time views) makes of a flat 48x48
image, for Tests/ExpressionTests/TestTimeAugmentationTests.swift."""
import os
import cv2
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
y, x = np.mgrid[0:48, 0:48].astype(np.float64)
# A dim, flat "face": an oval a little brighter than its surround, two dark eyes, a darker mouth line and
# a gentle gradient of light from the left: gray levels 70-120 only.
face = 80 + 20 * (((x - 23.5) / 18) ** 2 + ((y - 25) / 22) ** 2 < 1) + 0.3 * x
for cx in (16, 31):
    face -= 15 * np.exp(-(((x - cx) / 3) ** 2 + ((y - 19) / 2) ** 2))
face -= 12 * np.exp(-(((x - 23.5) / 8) ** 2 + ((y - 35) / 1.5) ** 2))
face = np.clip(np.rint(face), 0, 255).astype(np.uint8)
evened = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(face)
cv2.imwrite(os.path.join(here, "flat-face.png"), face)
cv2.imwrite(os.path.join(here, "flat-face-evened.png"), evened)
print("OpenCV", cv2.__version__, "face", face.min(), face.max(), "evened", evened.min(), evened.max())
