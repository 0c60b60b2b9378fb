"""Topaz report decoder against hand-written vectors from the research note
(status bits, 7-bit joins, pen lift 0x80, noise 0xFFF) — independent of the encoder."""
from __future__ import annotations

import pytest

from drivers.signature.topaz_protocol import (
    LAYOUTS,
    MODELS,
    Calibration,
    Rejected,
    TopazDecoder,
    encode_position,
    layout_for,
    text_bitmap,
    LCD_COMMANDS,
)


@pytest.fixture
def dec():
    return TopazDecoder()


def test_position_pen_down(dec):
    # status 0xE5 = sync|proximity|type 1|down (sigpad-net-server); X = 5<<7|0x10 = 656, Y = 3<<7|0x20 = 416
    s = dec.decode(bytes([0x00, 0xE5, 0x10, 0x05, 0x20, 0x03, 0x00, 0x00]))
    assert s.kind == "position" and s.down and s.proximity
    assert (s.raw_x, s.raw_y) == (656, 416)
    assert (s.x, s.y) == pytest.approx((256, 66))  # LBK460: 400..2400 → 0..2000, 350..1050 → 0..700


def test_position_pen_up_near(dec):
    s = dec.decode(bytes([0x00, 0xE4, 0x10, 0x05, 0x20, 0x03, 0x00, 0x00]))
    assert s.kind == "position" and not s.down and s.proximity


def test_pen_lift_status_0x80(dec):
    assert dec.decode(bytes([0x00, 0x80, 0, 0, 0, 0, 0, 0])).kind == "lift"


def test_edges_of_the_writing_area_map_to_the_logical_frame(dec):
    lo = dec.decode(bytes([0, 0xE5, 400 & 0x7F, 400 >> 7, 350 & 0x7F, 350 >> 7, 0, 0]))
    hi = dec.decode(bytes([0, 0xE5, 2400 & 0x7F, 2400 >> 7, 1050 & 0x7F, 1050 >> 7, 0, 0]))
    assert (lo.x, lo.y) == (0, 0) and (hi.x, hi.y) == (2000, 700)


@pytest.mark.parametrize(
    "report, reason",
    [
        (bytes([0x00, 0xE5, 0x7F, 0x1F, 0x7F, 0x1F, 0, 0]), "noise"),  # X = Y = 0xFFF
        (bytes([0x00, 0xE5, 0x90, 0x05, 0x20, 0x03, 0, 0]), "bit7"),  # data byte with bit 7 set
        (bytes([0x00, 0x65, 0x10, 0x05, 0x20, 0x03, 0, 0]), "sync"),  # status without sync bit
        (bytes([0x00, 0xE5, 0x10]), "short"),
        (b"", "short"),
        (bytes([0x00, 0xE5, 3000 & 0x7F, 3000 >> 7, 0x20, 0x03, 0, 0]), "range"),  # far right of the area
        (bytes([0x00, 0x80 | (5 << 2), 0, 0, 0, 0, 0, 0]), "type"),  # packet type 5 is undocumented
    ],
)
def test_rejects_noise_and_malformed(dec, report, reason):
    with pytest.raises(Rejected) as err:
        dec.decode(report)
    assert err.value.reason == reason
    assert dec.feed(report) is None and dec.stats[reason] == 1


def test_slightly_outside_the_area_is_clamped_not_dropped(dec):
    s = dec.decode(bytes([0, 0xE5, 390 & 0x7F, 390 >> 7, 1060 & 0x7F, 1060 >> 7, 0, 0]))
    assert (s.x, s.y) == (0, 700)


def test_info_and_response_packets_are_not_positions(dec):
    assert dec.decode(bytes([0, 0x80 | (2 << 2), 1, 2, 3, 4, 0, 0])).kind == "info"
    assert dec.decode(bytes([0, 0x80 | (3 << 2), 1, 2, 3, 4, 0, 0])).kind == "response"
    assert dec.decode(bytes([0, 0x80 | (7 << 2) | 1, 1, 2, 3, 4, 0, 0])).kind == "pressure"


def test_layout_is_data_driven():
    # if a capture shows the packet at byte 0 (no leading byte), only the table changes
    dec = TopazDecoder(layout_for("hsb8", {"packet_offset": 0}))
    s = dec.decode(bytes([0xE5, 0x10, 0x05, 0x20, 0x03, 0, 0, 0]))
    assert (s.raw_x, s.raw_y) == (656, 416)


def test_calibration_override_and_inverted_y():
    cal = Calibration.from_dict({"raw_x": [0, 4000], "raw_y": [0, 1000], "logical": [2000, 700], "invert_y": True})
    dec = TopazDecoder(LAYOUTS["hsb8"], cal)
    s = dec.decode(encode_position(LAYOUTS["hsb8"], 2000, 0, True))
    assert (s.x, s.y) == (1000, 700)


def test_encoder_matches_the_hand_vector():
    assert encode_position(LAYOUTS["hsb8"], 656, 416, True) == bytes([0, 0xE5, 0x10, 0x05, 0x20, 0x03, 0, 0])


def test_lcd_prompt_packets_fit_the_output_size():
    packets = LCD_COMMANDS.bitmap_packets(text_bitmap("Firme aquí", MODELS["LBK460"].lcd_size))
    assert packets and all(len(p) == 19 and p[:2] == b"\xf2\x07" for p in packets)
    assert LCD_COMMANDS.clear_rect(0, 0, 240, 64) == bytes.fromhex("ff1202" "0000" "0000" "00f0" "0040")
