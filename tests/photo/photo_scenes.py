"""Test scenes built from a real photograph: ``skimage.data.astronaut()`` (Eileen
Collins, NASA, public domain) cut out and placed on a plain light background, and
variants degraded in code. Used by tests only (scikit-image is a test dependency)."""
from __future__ import annotations

import cv2
import numpy as np
import skimage.data

#: Eye centres in the original 512×512 astronaut image (measured once by hand on
#: the pupils), image-left first. They are the ground truth for the crop geometry.
ASTRONAUT_EYES = ((202.0, 101.0), (247.0, 103.0))
BACKGROUND_BGR = (226, 229, 231)
FRAME_SIZE = (1280, 720)


def astronaut_bgr() -> np.ndarray:
    """The astronaut photo as (512, 512, 3) uint8 BGR."""
    return cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)


def _cutout_mask() -> np.ndarray:
    mask = np.zeros((512, 512), np.uint8)
    cv2.ellipse(mask, (226, 102), (72, 86), 0, 0, 360, 255, -1)  # head and hair
    suit = np.array([[150, 165], [300, 165], [345, 240], [362, 512], [22, 512], [100, 240]], np.int32)
    cv2.fillPoly(mask, [suit], 255)
    return cv2.GaussianBlur(mask, (9, 9), 0).astype(np.float32) / 255.0


def scene(
    scale: float = 2.6,
    eye_mid: tuple[float, float] = (640.0, 330.0),
    angle_deg: float = 0.0,
    frame_size: tuple[int, int] = FRAME_SIZE,
    noise: float = 1.5,
    seed: int = 0,
    cutout: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A webcam-like frame (H, W, 3) uint8 BGR with the astronaut on a plain background.

    ``scale`` enlarges the 512 px photo, ``eye_mid`` places the eye midpoint (px),
    ``angle_deg`` rotates the person counter-clockwise about it; ``cutout=False`` keeps
    the original studio background (flag, shuttle model). Returns the frame and
    the true eye centres in frame px, shape (2, 2).
    """
    src = astronaut_bgr().astype(np.float32)
    eyes = np.array(ASTRONAUT_EYES)
    mid = eyes.mean(axis=0)
    matrix = cv2.getRotationMatrix2D((float(mid[0]), float(mid[1])), angle_deg, scale)
    matrix[:, 2] += np.array(eye_mid) - mid
    w, h = frame_size
    person = cv2.warpAffine(src, matrix, (w, h), flags=cv2.INTER_CUBIC)
    alpha = cv2.warpAffine(_cutout_mask() if cutout else np.ones((512, 512), np.float32), matrix, (w, h), flags=cv2.INTER_LINEAR)[..., None]
    background = np.empty((h, w, 3), np.float32)
    background[:] = BACKGROUND_BGR
    out = person * alpha + background * (1 - alpha)
    if noise:
        out += np.random.default_rng(seed).normal(0, noise, out.shape).astype(np.float32)
    true_eyes = eyes @ matrix[:, :2].T + matrix[:, 2]
    return np.clip(out, 0, 255).astype(np.uint8), true_eyes


def blurred(img: np.ndarray, sigma: float = 4.0) -> np.ndarray:
    """Gaussian blur (defocus)."""
    return cv2.GaussianBlur(img, (0, 0), sigma)


def dark(img: np.ndarray, gain: float = 0.18) -> np.ndarray:
    """Under-exposed: brightness times ``gain``."""
    return np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def over_exposed(img: np.ndarray, gain: float = 2.2, lift: float = 40.0) -> np.ndarray:
    """Over-exposed: ``img·gain + lift`` clipped at 255."""
    return np.clip(img.astype(np.float32) * gain + lift, 0, 255).astype(np.uint8)


def side_lit(img: np.ndarray, center_x: float, width: float, low: float = 0.35, high: float = 1.15) -> np.ndarray:
    """Light from the image left: a horizontal gain ramp from ``high`` down to ``low`` across the face."""
    x = np.arange(img.shape[1], dtype=np.float32)
    ramp = high - np.clip((x - (center_x - width / 2)) / width, 0, 1) * (high - low)
    return np.clip(img.astype(np.float32) * ramp[None, :, None], 0, 255).astype(np.uint8)


def with_second_face(img: np.ndarray, at: tuple[int, int] = (1010, 170), scale: float = 1.9) -> np.ndarray:
    """Paste a second (smaller) copy of the astronaut's head at ``at`` (top-left, px)."""
    head = astronaut_bgr()[40:190, 150:300]
    head = cv2.resize(head, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    out = img.copy()
    x, y = at
    hh, ww = head.shape[:2]
    out[y : y + hh, x : x + ww] = head[: out.shape[0] - y, : out.shape[1] - x]
    return out


def yawed(img: np.ndarray, eyes: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Simulate a head turned by ``yaw_deg`` (positive: towards the image right) on a frontal
    frame whose true eye centres are ``eyes`` (2, 2).

    A 2.5-D model, not a new photograph: the head is a paraboloid (half-width 1.25·IED,
    half-height 1.9·IED, depth 1.1·IED) with a nose ridge on it (0.22·IED high), and each
    pixel moves sideways by ``depth · sin(yaw)`` (orthographic turn). The nose, standing in
    front of the eyes, moves further than they do — what a real turn does to the landmarks.
    """
    eyes = np.asarray(eyes, dtype=np.float64)
    ied = float(np.hypot(*(eyes[1] - eyes[0])))
    mx, my = eyes.mean(axis=0)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)

    def depth(x: np.ndarray) -> np.ndarray:
        rho = ((x - mx) / (1.25 * ied)) ** 2 + ((yy - (my + 0.3 * ied)) / (1.9 * ied)) ** 2
        head = 1.1 * ied * np.clip(1.0 - rho, 0.0, 1.0)  # paraboloid: no fold at the rim
        nose = 0.22 * ied * np.exp(-(((x - mx) / (0.16 * ied)) ** 2) - (((yy - (my + 0.45 * ied)) / (0.3 * ied)) ** 2))
        return (head + nose).astype(np.float32)

    shift = float(np.sin(np.radians(yaw_deg)))
    src_x = xx.copy()
    for _ in range(4):  # invert x' = x + depth(x)·sin(yaw) by fixed-point iteration
        src_x = xx - depth(src_x) * shift
    return cv2.remap(img, src_x, yy, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
