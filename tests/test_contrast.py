"""WCAG contrast arithmetic against figures published with the standard and its tools."""

from __future__ import annotations

import pytest

from spr_desk.contrast import (
    composite,
    contrast_ratio,
    parse_hex,
    relative_luminance,
)


def test_black_on_white_is_21_to_1_either_way_round() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000") == pytest.approx(21.0)


def test_a_colour_on_itself_is_1_to_1() -> None:
    assert contrast_ratio("#d55e00", "#d55e00") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        # WebAIM's checker: #777777 on white is the classic AA near-miss, #595959 AAA's edge.
        ("#777777", "#ffffff", 4.48),
        ("#595959", "#ffffff", 7.0),
        ("#767676", "#ffffff", 4.54),
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
    ],
)
def test_known_ratios(foreground: str, background: str, ratio: float) -> None:
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.01)


def test_luminance_ends_and_middle_grey() -> None:
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#808080") == pytest.approx(0.2159, abs=1e-4)


def test_translucent_text_is_laid_over_its_background_first() -> None:
    assert composite("#ffffff80", "#000000") == "#808080"
    assert composite("#ffffff", "#000000", alpha=0.25) == "#404040"
    assert contrast_ratio("#ffffff80", "#000000") == contrast_ratio("#808080", "#000000")


def test_what_is_not_a_colour_is_refused() -> None:
    with pytest.raises(ValueError, match="not a hex colour"):
        parse_hex("red")
    with pytest.raises(ValueError, match="opaque"):
        composite("#ffffff", "#00000080")
    with pytest.raises(ValueError, match="composite"):
        relative_luminance("#ffffff80")
    assert parse_hex("#abc") == (0xAA, 0xBB, 0xCC, 1.0)
