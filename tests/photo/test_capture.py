"""Finalising a capture: override reason rule, no-face fallback crop."""
from __future__ import annotations

import os
import sys

import cv2
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import photo_scenes as ps  # noqa: E402

from station.photo import analyze  # noqa: E402
from station.photo.capture import OverrideReasonRequired, finalize_capture  # noqa: E402


def test_good_photo_is_saved_without_reason():
    frame, _ = ps.scene()
    result = finalize_capture(frame, analyze(frame), reason="ignored because checks pass")
    assert result.photo_checks_ok is True and result.photo_override_reason == ""
    assert cv2.imdecode(np.frombuffer(result.jpeg, np.uint8), cv2.IMREAD_COLOR).shape == (640, 480, 3)


def test_failing_photo_requires_a_written_reason():
    frame = ps.dark(ps.scene()[0])
    analysis = analyze(frame)
    with pytest.raises(OverrideReasonRequired, match="motivo"):
        finalize_capture(frame, analysis, reason="   corto  ")
    result = finalize_capture(frame, analysis, reason="  Luz del plantel averiada  ")
    assert result.photo_checks_ok is False and result.photo_override_reason == "Luz del plantel averiada"


def test_no_face_override_crops_the_centre_of_the_frame():
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[:, 600:680] = 255  # a white bar in the centre
    result = finalize_capture(frame, analyze(frame), reason="Alumno con cubrebocas por indicación médica")
    crop = cv2.imdecode(np.frombuffer(result.jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert crop.shape == (640, 480)
    assert crop[:, 240].mean() > 200 and crop[:, 20].mean() < 30  # centred, full frame height


def test_a_zoom_that_cuts_the_crown_is_not_saved_as_passing():
    frame, _ = ps.scene()
    analysis = analyze(frame)
    assert analysis.accepted
    with pytest.raises(OverrideReasonRequired):
        finalize_capture(frame, analysis, zoom=1.6)  # judged on the crop being saved, not the preview's
    result = finalize_capture(frame, analysis, zoom=1.6, reason="Alumno pidió el acercamiento")
    assert result.photo_checks_ok is False
    assert finalize_capture(frame, analysis, zoom=1.1).photo_checks_ok is True
