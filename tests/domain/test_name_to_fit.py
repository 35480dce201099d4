import pytest

from spr_desk.referral import name_to_fit


@pytest.mark.parametrize(
    ("name", "width", "shown"),
    [
        ("ABBOTT, Winifred", 16, "ABBOTT, Winifred"),
        ("ABBOTT, Winifred", 15, "ABBOTT, W."),
        ("ABBOTT, Winifred Mary", 13, "ABBOTT, W. M."),
        ("ABBOTT, Winifred Mary", 12, "ABBOTT"),
        ("FLETCHER-HAMILTON, Gladys", 12, "FLETCHER-HA…"),
        ("ABBOTT", 4, "ABB…"),
        ("", 5, ""),
    ],
)
def test_a_listed_name_loses_its_given_names_before_any_word_is_cut(name, width, shown):
    assert name_to_fit(name, width) == shown
    assert len(name_to_fit(name, width)) <= width
