"""The labelled set the face detector was chosen on (docs/photo-detectors.md).

Nothing here is a stored frame: every case is a *recipe* (base photograph + transforms + a
seed for the noise) rendered on demand, and its label (how many faces, where each pair of eyes
is) follows from the hand-marked eye centres of the base photographs through the same
transforms. Bytes in the repository: one 61 KB photograph; the rest comes from scikit-image.

Base photographs (sources and licences):

=============  ============================================  ==================================
name           source                                        licence
=============  ============================================  ==================================
astronaut      ``skimage.data.astronaut()`` (scikit-image)    public domain (NASA photo of
                                                              Eileen Collins)
hopper         ``tests/photo/data/grace_hopper.jpg``, copied  public domain (U.S. Navy photo of
               from matplotlib's ``mpl-data/sample_data``     Grace Hopper, 1984)
               (matplotlib 3.11.2 wheel, sha256 in
               data/SOURCES.md)
cat            ``skimage.data.chelsea()``                     CC0 (Stefan van der Walt)
coffee,        ``skimage.data.coffee()``, ``rocket()``,        coffee CC0 (Rachel Michetti),
rocket,        ``brick()``, ``camera()``                       rocket public domain (SpaceX),
brick, camera                                                 brick CC0 (CC0Textures), camera
                                                              CC0 (Lav Varshney) — as each
                                                              function's docstring says
=============  ============================================  ==================================

Eye centres were marked by hand on the pupils of the originals (``BASE_EYES``), image-left eye
first.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import cv2
import numpy as np
import skimage.data

import photo_scenes as ps

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
FRAME = (1280, 720)
WALL_BGR = (222, 226, 229)

#: Hand-marked pupil centres on the original photographs (px), image-left eye first.
BASE_EYES: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "astronaut": ps.ASTRONAUT_EYES,
    "hopper": ((223.0, 189.0), (305.0, 186.0)),
}


def base_image(name: str) -> np.ndarray:
    """A base photograph as (H, W, 3) uint8 BGR."""
    if name == "astronaut":
        return ps.astronaut_bgr()
    if name == "hopper":
        return cv2.imread(os.path.join(DATA, "grace_hopper.jpg"), cv2.IMREAD_COLOR)
    if name == "cat":
        return cv2.cvtColor(skimage.data.chelsea(), cv2.COLOR_RGB2BGR)
    if name in ("coffee", "rocket"):
        return cv2.cvtColor(getattr(skimage.data, name)(), cv2.COLOR_RGB2BGR)
    if name in ("brick", "camera"):
        return cv2.cvtColor(getattr(skimage.data, name)(), cv2.COLOR_GRAY2BGR)
    raise KeyError(name)


@dataclass(frozen=True)
class Person:
    """One base photograph placed in the frame: its eye midpoint at ``at`` (px), the eyes
    ``ied`` px apart, rotated ``roll`` degrees (counter-clockwise). ``cutout``: only the
    person (astronaut) on the wall; otherwise the whole photograph is pasted."""

    base: str
    ied: float
    at: tuple[float, float]
    roll: float = 0.0
    cutout: bool = True


@dataclass(frozen=True)
class Case:
    """One recipe: people (or a non-face picture ``scene``) on a wall, then ``effects`` in order.

    ``effects``: (name, value) with name in dark, bright, side, blur, glasses, hand, yaw, print.
    ``faces`` of the label = the people (a ``print`` case holds a printed photo of a face).
    """

    id: str
    kind: str
    people: tuple[Person, ...] = ()
    scene: str | None = None
    effects: tuple[tuple[str, float], ...] = ()
    seed: int = 0
    notes: str = ""
    extra: dict = field(default_factory=dict)


def _place(frame: np.ndarray, person: Person) -> np.ndarray:
    """Warp the person into ``frame`` (float32); returns the 2×3 matrix used."""
    src = base_image(person.base).astype(np.float32)
    eyes = np.array(BASE_EYES[person.base])
    mid = eyes.mean(axis=0)
    scale = person.ied / float(np.hypot(*(eyes[1] - eyes[0])))
    matrix = cv2.getRotationMatrix2D((float(mid[0]), float(mid[1])), person.roll, scale)
    matrix[:, 2] += np.array(person.at) - mid
    w, h = frame.shape[1], frame.shape[0]
    warped = cv2.warpAffine(src, matrix, (w, h), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    if person.base == "astronaut" and person.cutout:
        alpha_src = ps._cutout_mask()
    else:
        alpha_src = np.ones(src.shape[:2], np.float32)
    alpha = cv2.warpAffine(alpha_src, matrix, (w, h), flags=cv2.INTER_LINEAR)[..., None]
    frame[:] = warped * alpha + frame * (1 - alpha)
    return matrix


def render(case: Case) -> tuple[np.ndarray, list[np.ndarray]]:
    """The case's 1280×720 BGR frame and its label: one (2, 2) array of eye centres per face."""
    w, h = FRAME
    frame = np.empty((h, w, 3), np.float32)
    frame[:] = WALL_BGR
    truth: list[np.ndarray] = []
    if case.scene is not None:
        pic = base_image(case.scene).astype(np.float32)
        size = case.extra.get("size", 600)
        k = size / max(pic.shape[:2])
        pic = cv2.resize(pic, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        y, x = (h - pic.shape[0]) // 2, (w - pic.shape[1]) // 2
        frame[y:y + pic.shape[0], x:x + pic.shape[1]] = pic
    for person in case.people:
        matrix = _place(frame, person)
        truth.append(np.array(BASE_EYES[person.base]) @ matrix[:, :2].T + matrix[:, 2])
    img = np.clip(frame + np.random.default_rng(case.seed).normal(0, 2.0, frame.shape), 0, 255).astype(np.uint8)
    for name, value in case.effects:
        img, truth = _effect(img, truth, name, value)
    return img, truth


def _effect(img: np.ndarray, truth: list[np.ndarray], name: str, value: float) -> tuple[np.ndarray, list[np.ndarray]]:
    if name == "dark":
        return ps.dark(img, value), truth
    if name == "bright":
        return ps.over_exposed(img, value, 40.0), truth
    if name == "side":
        eyes = truth[0]
        ied = float(np.hypot(*(eyes[1] - eyes[0])))
        lit = ps.side_lit(img, float(eyes.mean(axis=0)[0]), 3 * ied)
        return (lit if value > 0 else ps.side_lit(img[:, ::-1], img.shape[1] - float(eyes.mean(axis=0)[0]), 3 * ied)[:, ::-1].copy()), truth
    if name == "blur":
        return ps.blurred(img, value), truth
    if name == "yaw":
        return ps.yawed(img, truth[0], value), truth  # label: eyes move little; measured on the frontal truth
    if name in ("glasses", "hand"):
        out = img.copy()
        for eyes in truth:
            ied = float(np.hypot(*(eyes[1] - eyes[0])))
            if name == "glasses":  # dark sunglasses over both eyes
                for ex, ey in eyes:
                    cv2.ellipse(out, (int(ex), int(ey)), (int(0.42 * ied), int(0.27 * ied)), 0, 0, 360, (25, 22, 20), -1)
                cv2.line(out, tuple(int(v) for v in eyes[0]), tuple(int(v) for v in eyes[1]), (25, 22, 20), max(2, int(0.06 * ied)))
            else:  # a hand (skin-coloured block) over the mouth and chin
                mx, my = eyes.mean(axis=0)
                cv2.rectangle(out, (int(mx - 0.9 * ied), int(my + 0.95 * ied)), (int(mx + 0.9 * ied), int(my + 2.2 * ied)),
                              (120, 150, 200), -1)
        return out, truth
    if name == "print":  # the frame shrunk to a printed photo with a white border, held tilted
        w, h = FRAME
        ph = int(h * value)
        pw = int(ph * 0.8)
        cx, cy = truth[0].mean(axis=0)
        side = 2.6 * float(np.hypot(*(truth[0][1] - truth[0][0])))
        x0, y0 = int(cx - side / 2), int(cy - side * 0.45)
        photo = img[max(0, y0):y0 + int(side * 1.3), max(0, x0):x0 + int(side)]
        photo = cv2.copyMakeBorder(photo, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=(250, 250, 250))
        src = np.float32([[0, 0], [photo.shape[1], 0], [photo.shape[1], photo.shape[0]], [0, photo.shape[0]]])
        ox, oy = w / 2 - pw / 2, h / 2 - ph / 2
        dst = np.float32([[ox + 0.06 * pw, oy], [ox + pw, oy + 0.04 * ph], [ox + pw * 0.97, oy + ph], [ox, oy + ph * 0.95]])
        hom = cv2.getPerspectiveTransform(src, dst)
        wall = np.empty_like(img)
        wall[:] = (140, 150, 160)
        out = cv2.warpPerspective(photo, hom, (w, h), dst=wall, borderMode=cv2.BORDER_TRANSPARENT)
        shifted = truth[0] - np.array([max(0, x0) - 12, max(0, y0) - 12])
        mapped = cv2.perspectiveTransform(shifted.reshape(-1, 1, 2).astype(np.float32), hom).reshape(2, 2)
        return out, [mapped.astype(np.float64)]
    raise KeyError(name)


def cases() -> list[Case]:
    """Every case of the set, in a fixed order (ids are stable: the docs table cites them)."""
    out: list[Case] = []
    seed = iter(range(1000))
    for base, cut in (("astronaut", True), ("astronaut", False), ("hopper", False)):
        tag = base + ("" if cut else "-photo")
        for ied in (62, 80, 100, 130, 170):
            out.append(Case(f"{tag}-scale{ied}", "scale", (Person(base, ied, (640, 330), 0, cut),), seed=next(seed)))
        for roll in (-20, -10, 10, 20):
            out.append(Case(f"{tag}-roll{roll:+d}", "angle", (Person(base, 110, (640, 330), roll, cut),), seed=next(seed)))
        for x, y in ((300, 250), (980, 420)):
            out.append(Case(f"{tag}-at{x}x{y}", "position", (Person(base, 100, (x, y), 0, cut),), seed=next(seed)))
        person = (Person(base, 110, (640, 330), 0, cut),)
        for name, value in (("dark", 0.25), ("bright", 1.4), ("side", 1), ("side", -1), ("blur", 2.0), ("blur", 4.0)):
            out.append(Case(f"{tag}-{name}{value:g}", "lighting" if name in ("dark", "bright", "side") else "blur",
                            person, effects=((name, value),), seed=next(seed)))
        for name in ("glasses", "hand"):
            out.append(Case(f"{tag}-{name}", "occlusion", person, effects=((name, 1),), seed=next(seed)))
        for yaw in (-20, 20):  # eye error not scored: the warp moves the eyes off the frontal label
            out.append(Case(f"{tag}-yaw{yaw:+d}", "pose", person, effects=(("yaw", yaw),), seed=next(seed),
                            extra={"eye_error": False}))
        out.append(Case(f"{tag}-print", "photo held up", person, effects=(("print", 0.9),), seed=next(seed),
                        notes="a printed photo held to the camera: a face (liveness is not judged)"))
    out.append(Case("two-people", "several faces", (Person("astronaut", 95, (400, 320)), Person("hopper", 95, (900, 330), 0, False)),
                    seed=next(seed)))
    out.append(Case("two-people-small", "several faces", (Person("astronaut", 70, (330, 300)), Person("hopper", 70, (950, 300), 0, False)),
                    seed=next(seed)))
    out.append(Case("three-people", "several faces", (Person("astronaut", 75, (250, 320)), Person("hopper", 75, (640, 330), 0, False),
                                                       Person("astronaut", 75, (1030, 320), 5)), seed=next(seed)))
    for scene, size in (("cat", 700), ("cat", 420), ("coffee", 700), ("rocket", 700), ("brick", 700), ("camera", 700)):
        kind = "animal" if scene == "cat" else "no face"
        out.append(Case(f"{scene}-{size}", kind, scene=scene, seed=next(seed), extra={"size": size}))
    out.append(Case("blank-wall", "no face", seed=next(seed)))
    out.append(Case("blank-wall-dark", "no face", effects=(("dark", 0.3),), seed=next(seed)))
    return out
