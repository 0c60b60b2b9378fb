"""The labelled set (tests/photo/labelled_set.py): its labels hold together, and the shipped
detector keeps the figures docs/photo-detectors.md reports (a regression guard, not a timing)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import evaluate_detectors as ev  # noqa: E402
import labelled_set as ls  # noqa: E402

from station.photo.detectors import get_detector  # noqa: E402


@pytest.fixture(scope="module")
def rendered():
    return [(case, ls.render(case)) for case in ls.cases()]


def test_the_set_covers_every_kind_the_issue_asks_for(rendered):
    kinds = {case.kind for case, _ in rendered}
    assert {"scale", "angle", "position", "lighting", "blur", "occlusion", "pose", "several faces", "no face",
            "animal", "photo held up"} <= kinds
    ids = [case.id for case, _ in rendered]
    assert len(ids) == len(set(ids))
    for case, (img, truth) in rendered:
        assert img.shape == (720, 1280, 3) and img.dtype == np.uint8
        assert len(truth) == len(case.people)
        for eyes in truth:  # labelled eyes inside the frame, image-left eye first
            assert (0 <= eyes[:, 0]).all() and (eyes[:, 0] < 1280).all() and eyes[0, 0] < eyes[1, 0]


def test_rendering_is_reproducible_from_the_recipe():
    case = ls.cases()[0]
    a, ta = ls.render(case)
    b, tb = ls.render(case)
    assert np.array_equal(a, b) and all(np.array_equal(x, y) for x, y in zip(ta, tb))


def test_shipped_detector_keeps_its_measured_precision_recall_and_eye_error(rendered):
    result = ev.evaluate(get_detector("dlib"), rendered, timing_runs=0)
    assert result["precision"] >= 0.97, result["per_case"]
    assert result["recall"] >= 0.95, result["per_case"]
    assert result["eye_error_median"] <= 0.06
    assert result["eyes_within_0.2"] >= 0.95
    # the cat, the cameraman and the other no-face scenes give no face
    for case, _ in rendered:
        if case.kind in ("no face", "animal"):
            assert result["per_case"][case.id]["found"] == 0, case.id
