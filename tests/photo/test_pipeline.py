"""Photo pipeline on a real photograph (NASA astronaut, public domain) and degraded variants:
each refusal names the right cause, the checks judge the crop that will be saved."""
from __future__ import annotations

import os
import sys

import cv2
import numpy as np
import pytest
import skimage.data

sys.path.insert(0, os.path.dirname(__file__))
import photo_scenes as ps  # noqa: E402

from station.photo import (  # noqa: E402
    CHECK_ORDER, TOKEN_SIZE, EyePair, PhotoConfig, VerdictSmoother, analyze, crop_token, encode_jpeg, evaluate_crop,
    token_matrix,
)
from station.photo.geometry import crop_coverage, map_points  # noqa: E402
from station.photo.detectors import get_detector  # noqa: E402


@pytest.fixture(scope="module")
def clean():
    return ps.scene()


def test_clean_photo_is_accepted_with_every_check(clean):
    frame, _ = clean
    analysis = analyze(frame)
    assert analysis.accepted, analysis.to_dict()
    assert analysis.face_count == 1
    assert [c.name for c in analysis.checks] == list(CHECK_ORDER)
    assert all(0 <= c.score <= 100 for c in analysis.checks)
    assert analysis.message == "Foto correcta"
    assert analysis.detector == "dlib"


def _variants():
    frame, _ = ps.scene()
    return {
        "blurred": (lambda: ps.blurred(frame, 3.0), "sharpness", "borrosa"),
        "dark": (lambda: ps.dark(frame), "exposure", "Luz insuficiente"),
        "over_exposed": (lambda: ps.over_exposed(frame, 1.2, 30), "exposure", "Demasiada luz"),
        "washed_out": (lambda: ps.over_exposed(frame, 1.4, 50), "exposure", "Demasiada luz"),
        "side_lit": (lambda: ps.side_lit(frame, 640, 300), "illumination", "Luz dispareja"),
        "rotated": (lambda: ps.scene(angle_deg=15)[0], "roll", "enderece la cabeza"),
        "second_face": (lambda: ps.with_second_face(frame), "single_face", "Sólo una persona en la toma"),
        "cut_by_edge": (lambda: ps.scene(eye_mid=(200, 330))[0], "centered", "centro"),
        "too_small": (lambda: ps.scene(scale=1.6)[0], "inter_eye_distance", "Acérquese a la cámara"),
        "busy_background": (lambda: ps.scene(cutout=False)[0], "background", "Fondo"),
    }


@pytest.mark.parametrize("name", list(_variants()))
def test_degraded_variant_names_the_failing_check(name):
    make, expected, words = _variants()[name]
    analysis = analyze(make())
    assert not analysis.accepted
    if name == "washed_out":
        # a face washed out to white also moves the landmarks (it may read as turned): the light
        # is what to fix first, and the guidance says so
        assert analysis.failed[0] == expected and set(analysis.failed) <= {"exposure", "yaw"}, analysis.to_dict()
    else:
        assert analysis.failed == [expected], analysis.to_dict()  # exactly the right check fails
    assert words in analysis.check(expected).message
    assert analysis.message == analysis.check(expected).message


def test_side_light_scores_lower_than_even_light(clean):
    frame, _ = clean
    even = analyze(frame).check("illumination").score
    uneven = analyze(ps.side_lit(frame, 640, 300)).check("illumination").score
    assert uneven < even - 10


@pytest.mark.parametrize("image", [
    pytest.param(lambda: cv2.cvtColor(skimage.data.camera(), cv2.COLOR_GRAY2BGR), id="cameraman"),
    pytest.param(lambda: np.full((720, 1280, 3), 230, np.uint8), id="blank_wall"),
    pytest.param(lambda: cv2.cvtColor(skimage.data.coffee(), cv2.COLOR_RGB2BGR), id="coffee"),
])
def test_no_face(image):
    analysis = analyze(image())
    assert analysis.face_count == 0
    assert not analysis.accepted
    assert analysis.failed[0] == "single_face"
    assert "No se detecta un rostro" in analysis.message
    assert analysis.eyes is None


def test_too_close_asks_to_step_back():
    analysis = analyze(ps.scene(scale=3.6, eye_mid=(640, 300))[0])
    assert analysis.check("centered").ok is False
    assert "Aléjese" in analysis.check("centered").message


@pytest.mark.parametrize("angle", [0.0, 6.0])
def test_crop_matches_token_geometry_within_3_percent_and_ied_within_5(angle):
    frame, true_eyes = ps.scene(angle_deg=angle)
    analysis = analyze(frame)
    assert analysis.eyes is not None and not analysis.eyes_estimated
    crop = crop_token(frame, analysis.eyes)
    assert crop.shape == (640, 480, 3) and crop.dtype == np.uint8
    w = TOKEN_SIZE[0]
    # where the *true* pupils (measured by hand on the original photo) land in the crop
    left, right = map_points(token_matrix(analysis.eyes), true_eyes)
    mid = (left + right) / 2
    assert abs(mid[0] - 0.5 * w) <= 0.03 * w
    assert abs(mid[1] - 0.6 * w) <= 0.03 * w
    # eye centre = midpoint of the eye corners (5-point model): ~4 % shorter than the hand-marked
    # pupils on this photo (docs/photo-detectors.md: eye error ≤ 0.05 IED)
    assert abs(np.hypot(*(right - left)) - 0.25 * w) <= 0.05 * 0.25 * w
    assert abs(right[1] - left[1]) <= 0.03 * 0.25 * w  # eye line levelled


def test_zoom_and_offset_move_the_face_in_the_crop():
    eyes = EyePair((100.0, 100.0), (160.0, 100.0))
    m = token_matrix(eyes, zoom=1.5, offset=(10.0, -20.0))
    left, right = map_points(m, np.array([eyes.left, eyes.right]))
    assert np.allclose(right - left, [180.0, 0.0])
    assert np.allclose((left + right) / 2, [250.0, 268.0])
    with pytest.raises(ValueError):
        token_matrix(eyes, zoom=0)
    with pytest.raises(ValueError):
        token_matrix(EyePair((5.0, 5.0), (5.0, 5.0)))


def test_coverage_drops_when_crop_leaves_the_frame():
    eyes = EyePair((600.0, 330.0), (720.0, 330.0))
    assert crop_coverage((720, 1280, 3), token_matrix(eyes)) == pytest.approx(1.0)
    shifted = EyePair((20.0, 330.0), (140.0, 330.0))
    assert crop_coverage((720, 1280, 3), token_matrix(shifted)) < 0.8


def test_jpeg_is_at_most_60kb_and_decodes(clean):
    frame, _ = clean
    crop = crop_token(frame, analyze(frame).eyes)
    noisy = np.random.default_rng(3).integers(0, 256, crop.shape, dtype=np.uint8)  # worst case for JPEG
    for image in (crop, noisy):
        data = encode_jpeg(image)
        assert len(data) <= 60_000 or image is noisy
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert decoded.shape == (640, 480, 3)
    assert len(encode_jpeg(crop)) <= 60_000
    assert len(encode_jpeg(crop, max_bytes=20_000)) <= 20_000
    with pytest.raises(ValueError):
        encode_jpeg(np.zeros((10, 10), np.uint8))


@pytest.mark.parametrize("bad", [None, np.zeros((0, 0, 3), np.uint8), np.zeros((100, 100), np.uint8),
                                 np.zeros((100, 100, 3), np.float32), np.zeros((10, 10, 3), np.uint8)])
def test_bad_arrays_raise_value_error_in_spanish(bad):
    with pytest.raises(ValueError, match="imagen"):
        analyze(bad)


def test_unknown_detector_is_a_clear_error():
    with pytest.raises(KeyError, match="desconocido"):
        analyze(np.zeros((100, 100, 3), np.uint8), PhotoConfig(detector="nope"))


def test_a_registered_detector_is_used_by_configuration(clean):
    from station.photo import register_detector
    from station.photo.detectors import Detection, Face, FaceBox

    class Fixed:
        name = "fixed"

        def detect(self, image):
            return Detection((Face(FaceBox(520, 230, 240, 240), EyePair((581.0, 327.0), (698.0, 333.0))),))

    register_detector("fixed-test", Fixed)
    analysis = analyze(np.full((720, 1280, 3), 128, np.uint8), PhotoConfig(detector="fixed-test"))
    assert analysis.face_count == 1 and analysis.eyes == EyePair((581.0, 327.0), (698.0, 333.0))
    assert analysis.check("sharpness").ok is False  # a flat grey "face" has no detail


def test_smoother_needs_a_majority_before_changing_a_light(clean):
    frame, _ = clean
    good = analyze(frame)
    bad = analyze(ps.blurred(frame, 3.0))
    smoother = VerdictSmoother(window=5)
    for _ in range(4):
        verdict = smoother.update(good)
    assert verdict.accepted
    verdict = smoother.update(bad)  # one blurred frame does not flip the light
    assert verdict.accepted
    for _ in range(2):
        verdict = smoother.update(bad)
    assert not verdict.accepted and "borrosa" in verdict.message
    assert verdict.eyes is not None
    with pytest.raises(ValueError):
        VerdictSmoother(window=0)


@pytest.mark.parametrize("name", ["dlib", "haar"])
def test_detector_finds_eyes_on_the_original_photo(name):
    face = get_detector(name).detect(ps.astronaut_bgr()).faces[0]
    assert face.eyes is not None
    truth = np.array(ps.ASTRONAUT_EYES)
    assert np.abs(np.array([face.eyes.left, face.eyes.right]) - truth).max() < 6


# ------------------------------------------------------------------ causes that must not be confused
def test_dark_photo_is_refused_for_exposure_not_background_or_light_balance(clean):
    frame, _ = clean
    analysis = analyze(ps.dark(frame))
    assert analysis.failed == ["exposure"] and analysis.message == "Luz insuficiente"
    exposure = analysis.check("exposure")
    assert exposure.value < 0.25 and exposure.measures[2].name == "face_luminance"
    # the measures that a dark photo used to trip stay where they are on the clean photo
    good = analyze(frame)
    for name in ("background", "illumination", "inter_eye_distance"):
        assert analysis.check(name).ok
        assert analysis.check(name).value == pytest.approx(good.check(name).value, rel=0.15, abs=0.05), name


def test_side_lit_photo_is_refused_for_illumination_not_distance(clean):
    frame, true_eyes = clean
    analysis = analyze(ps.side_lit(frame, 640, 300))
    assert analysis.failed == ["illumination"]
    assert "Luz dispareja" in analysis.message
    # the eyes are still found where they are (landmarks, not an eye cascade fooled by shadow)
    found = np.array([analysis.eyes.left, analysis.eyes.right])
    assert np.abs(found - true_eyes).max() < 0.1 * np.hypot(*(true_eyes[1] - true_eyes[0]))
    assert analysis.check("illumination").value < 0.7 <= analyze(frame).check("illumination").value


def test_several_failures_name_the_one_to_fix_first(clean):
    frame, _ = clean
    analysis = analyze(ps.side_lit(ps.dark(ps.scene(scale=1.6)[0], 0.5), 640, 300))
    assert analysis.failed[0] == "inter_eye_distance" and analysis.message == "Acérquese a la cámara"
    assert analysis.to_dict()["fix_first"] == "inter_eye_distance"
    assert "illumination" in analysis.failed


# ------------------------------------------------------------------------------------------ pose
@pytest.mark.parametrize("yaw", [-20.0, 20.0])
def test_yawed_face_is_refused_for_pose(clean, yaw):
    frame, true_eyes = clean
    analysis = analyze(ps.yawed(frame, true_eyes, yaw))
    assert "yaw" in analysis.failed and analysis.failed[0] == "yaw", analysis.to_dict()
    assert "Mire de frente" in analysis.message
    assert abs(analysis.check("yaw").value) > 8 and np.sign(analysis.check("yaw").value) == np.sign(yaw)
    assert analysis.check("roll").ok


def test_frontal_face_passes_pose_with_its_measured_angles(clean):
    frame, _ = clean
    check = analyze(frame).check("yaw")
    assert check.ok and abs(check.value) <= 8
    assert check.to_dict()["threshold"] == 8.0 and check.measures[0].unit == "°"


# ---------------------------------------------------------------- the crop that will be saved
def test_zooming_in_until_the_crown_is_cut_is_refused(clean):
    frame, _ = clean
    analysis = analyze(frame, zoom=1.6)
    assert analysis.failed == ["head_in_crop"], analysis.to_dict()
    assert "parte de arriba de la cabeza" in analysis.message
    margins = {x.name: x for x in analysis.check("head_in_crop").measures}
    assert margins["crown_margin"].value < 0 and not margins["crown_margin"].ok


@pytest.mark.parametrize("offset, words, measure", [
    ((0.0, -110.0), "parte de arriba de la cabeza", "crown_margin"),  # face dragged up: the top is cut
    ((0.0, 140.0), "barbilla", "chin_margin"),  # face dragged down: the chin is cut
])
def test_dragging_the_head_out_of_the_crop_is_refused(clean, offset, words, measure):
    frame, _ = clean
    analysis = evaluate_crop(frame, analyze(frame), zoom=1.0, offset=offset)
    assert "head_in_crop" in analysis.failed and words in analysis.check("head_in_crop").message
    assert not {x.name: x for x in analysis.check("head_in_crop").measures}[measure].ok


def test_zoom_out_makes_the_face_too_small_in_the_crop(clean):
    frame, _ = clean
    analysis = evaluate_crop(frame, analyze(frame), zoom=0.7)
    ied = {x.name: x for x in analysis.check("head_in_crop").measures}["ied_crop_px"]
    assert ied.value == pytest.approx(84.0) and not ied.ok
    assert "aumente el zoom" in analysis.check("head_in_crop").message


def test_evaluate_crop_matches_a_full_analysis_of_the_same_crop(clean):
    frame, _ = clean
    base = analyze(frame)
    again = evaluate_crop(frame, base, zoom=1.25, offset=(10.0, 20.0))
    full = analyze(frame, zoom=1.25, offset=(10.0, 20.0))
    assert [c.to_dict() for c in again.checks] == [c.to_dict() for c in full.checks]
    assert (again.zoom, again.offset) == (1.25, (10.0, 20.0))
    back = evaluate_crop(frame, again)  # back to the default crop: the lights go green again
    assert back.accepted and [c.to_dict() for c in back.checks] == [c.to_dict() for c in base.checks]


def test_background_is_judged_inside_the_crop(clean):
    """The studio background (flag, shuttle model) beside the head fails; cut out of the crop
    by zooming in, it is no longer the photo's background."""
    busy, _ = ps.scene(cutout=False)
    analysis = analyze(busy)
    assert analysis.failed == ["background"]
    assert evaluate_crop(busy, analysis, zoom=1.25, offset=(0.0, 40.0)).check("background").value < \
        analysis.check("background").value


def test_haar_fallback_still_judges_and_says_it_has_no_nose(clean):
    frame, _ = clean
    analysis = analyze(frame, PhotoConfig(detector="haar"))
    assert analysis.detector == "haar" and analysis.face_count == 1
    assert analysis.check("yaw").ok and analysis.check("yaw").value is None
