import pytest

from spr_desk.urgency_ratchet import is_downward, needs_sign_off


@pytest.mark.parametrize(
    ("recommended", "agreed", "downward"),
    [
        ("rapid", "fast", True),
        ("rapid", "normal", True),
        ("fast", "normal", True),
        ("fast", "rapid", False),
        ("normal", "rapid", False),
        ("normal", "fast", False),
        ("rapid", "rapid", False),
        (None, "normal", False),
        ("rapid", None, False),
        ("urgent", "normal", False),
    ],
)
def test_only_a_less_urgent_response_than_asked_for_is_downward(recommended, agreed, downward):
    assert is_downward(recommended, agreed) is downward


def test_a_downward_override_needs_sign_off_until_it_is_signed():
    assert needs_sign_off("rapid", "normal", None)
    assert not needs_sign_off("rapid", "normal", "2026-12-02T10:00:00+00:00")
    assert not needs_sign_off("normal", "rapid", None)
