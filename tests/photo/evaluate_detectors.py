"""Measure face detectors on the labelled set: precision, recall, eye-point error, time.

Run from the repository root (scikit-image installed, i.e. the test extras)::

    python tests/photo/evaluate_detectors.py            # markdown table + JSON on stdout
    FACE_MODELS_DIR=/path/to/face_recognition_models/models python tests/photo/evaluate_detectors.py

Candidates: ``haar`` (OpenCV cascades), ``dlib`` (HOG + 5-point landmarks, the shipped
default) and, when ``FACE_MODELS_DIR`` points at the ``face-recognition-models`` package's
``models`` folder, ``dlib-mmod`` (dlib's CNN face detector + the same 5-point model; not
shipped, measured only). Matching: a detected face matches a labelled one when the labelled
eye midpoint lies inside its box; eye error = the larger of the two eye distances between
found and labelled centres, divided by the labelled inter-eye distance. Time: the median of 3
runs of ``detect`` per frame (1280×720; 1 run for ``dlib-mmod``), then the median over frames — on a shared 2-core
machine, so compare detectors measured in the same run, never across runs.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labelled_set as ls  # noqa: E402


def candidates() -> dict:
    from station.photo.detectors import get_detector

    out = {"haar": get_detector("haar"), "dlib": get_detector("dlib")}
    models = os.environ.get("FACE_MODELS_DIR")
    if models and os.path.exists(os.path.join(models, "mmod_human_face_detector.dat")):
        out["dlib-mmod"] = MmodDetector(os.path.join(models, "mmod_human_face_detector.dat"))
    return out


class MmodDetector:
    """dlib's CNN (MMOD) face detector at 640 px + the shipped 5-point model (evaluation only)."""

    name = "dlib-mmod"

    def __init__(self, path: str) -> None:
        import cv2
        import dlib

        from station.photo.landmarks import DlibDetector

        self._cv2, self._cnn, self._points = cv2, dlib.cnn_face_detection_model_v1(path), DlibDetector()

    def detect(self, image):
        from station.photo.detectors import Detection, FaceBox, as_gray
        from station.photo.landmarks import landmarks_to_face

        gray = as_gray(image)
        k = 640 / max(gray.shape)
        small = self._cv2.resize(image, None, fx=k, fy=k, interpolation=self._cv2.INTER_AREA)
        faces = []
        for d in self._cnn(self._cv2.cvtColor(small, self._cv2.COLOR_BGR2RGB), 0):
            r = d.rect
            box = FaceBox(r.left() / k, r.top() / k, r.width() / k, r.height() / k)
            faces.append(landmarks_to_face(box, self._points._landmarks(gray, box)))
        return Detection(tuple(sorted(faces, key=lambda f: f.box.area, reverse=True)), self.name)


def evaluate(detector, rendered, timing_runs: int = 3) -> dict:
    """Precision, recall, eye error and time of ``detector`` on ``rendered`` [(case, (img, truth))]."""
    tp = fp = fn = 0
    errors, times, per_case = [], [], {}
    for case, (img, truth) in rendered:
        det = detector.detect(img)  # warm-up (and the result when timing_runs == 0)
        runs = [0.0]
        for _ in range(timing_runs):
            t0 = time.perf_counter()
            det = detector.detect(img)
            runs.append((time.perf_counter() - t0) * 1000)
        times.append(statistics.median(runs[1:] or runs))
        used = set()
        case_err = []
        for eyes in truth:
            mid = eyes.mean(axis=0)
            match = next((i for i, f in enumerate(det.faces) if i not in used and f.box.x <= mid[0] <= f.box.x + f.box.w
                          and f.box.y <= mid[1] <= f.box.y + f.box.h), None)
            if match is None:
                fn += 1
                continue
            used.add(match)
            tp += 1
            found = det.faces[match].eyes
            if found is not None and case.extra.get("eye_error", True):
                ied = float(np.hypot(*(eyes[1] - eyes[0])))
                err = max(np.hypot(*(np.array(found.left) - eyes[0])), np.hypot(*(np.array(found.right) - eyes[1]))) / ied
                errors.append(float(err))
                case_err.append(round(float(err), 3))
            elif case.extra.get("eye_error", True):
                errors.append(float("inf"))  # face found, eyes not: counts as a miss of the eyes
                case_err.append(None)
        fp += det.count - len(used)
        per_case[case.id] = {"truth": len(truth), "found": det.count, "eye_error": case_err}
    finite = [e for e in errors if np.isfinite(e)]
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp, "fp": fp, "fn": fn,
        "eye_error_median": statistics.median(finite) if finite else None,
        "eye_error_p90": float(np.percentile(np.minimum(errors, 99.0), 90)) if errors else None,
        "eyes_within_0.1": sum(e <= 0.1 for e in errors) / len(errors) if errors else None,
        "eyes_within_0.2": sum(e <= 0.2 for e in errors) / len(errors) if errors else None,
        "ms_median": statistics.median(times),
        "ms_no_face_median": statistics.median(t for (c, (_, tr)), t in zip(rendered, times) if not tr),
        "per_case": per_case,
    }


def main() -> int:
    rendered = [(case, ls.render(case)) for case in ls.cases()]
    faces = sum(len(t) for _, (_, t) in rendered)
    # the CNN detector takes seconds a frame on 2 shared cores: one timed run each is enough
    results = {name: evaluate(det, rendered, 1 if name == "dlib-mmod" else 3) for name, det in candidates().items()}
    print(f"Labelled set: {len(rendered)} frames 1280×720, {faces} labelled faces, "
          f"{sum(1 for _, (_, t) in rendered if not t)} frames without a face.\n")
    print("| detector | precision | recall | eye error median (× IED) | eye error p90 | eyes ≤ 0.1 IED | eyes ≤ 0.2 IED "
          "| ms/frame (median) | ms no-face frame |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        def f(v, fmt="{:.3f}"):
            return "—" if v is None else ("∞" if not np.isfinite(v) else fmt.format(v))
        print(f"| {name} | {r['precision']:.3f} ({r['tp']}/{r['tp'] + r['fp']}) | {r['recall']:.3f} ({r['tp']}/{r['tp'] + r['fn']}) "
              f"| {f(r['eye_error_median'])} | {f(r['eye_error_p90'])} | {f(r['eyes_within_0.1'], '{:.0%}')} "
              f"| {f(r['eyes_within_0.2'], '{:.0%}')} | {r['ms_median']:.1f} | {r['ms_no_face_median']:.1f} |")
    print("\n" + json.dumps({k: {kk: vv for kk, vv in v.items()} for k, v in results.items()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
