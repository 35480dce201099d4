"""The call's own widgets, alone: a choice made by first letters, tick lists where enter never
ticks, and the field that marks where the focus is."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from screens.widgets.choice import Choice, first_match, words_match
from screens.widgets.field import Field
from screens.widgets.ticks import TickList

ROLES = [
    ("ward team", "ward_team"),
    ("GP or practice nurse", "gp"),
    ("GP out-of-hours", "gp_ooh"),
    ("ambulance crew", "crew"),
    ("nursing or residential home", "care_home"),
]
CHECKS = [
    ("read out by the caller (not traced)", "not_traced"),
    ("checked against the NHS record", "verified"),
    ("not known: to trace", "not_known"),
]


@pytest.mark.parametrize(
    ("options", "typed", "found"),
    [
        (ROLES, "g", 1),
        (ROLES, "gp o", 1),
        (ROLES, "gp ou", 2),
        (ROLES, "am", 3),
        (ROLES, "res", 4),  # a word inside, when no option begins so
        (CHECKS, "no", 2),  # an option that begins so wins over a word inside another
        (ROLES, "zz", None),
    ],
)
def test_letters_find_the_option_that_begins_so_then_one_with_such_a_word(
    options: list[tuple[str, str]], typed: str, found: int | None
) -> None:
    assert first_match(options, typed) == found


def test_a_word_is_matched_at_its_start_whatever_its_case_or_punctuation() -> None:
    assert words_match("step-up (avoid an admission)", "u")
    assert words_match("step-up (avoid an admission)", "AVO")
    assert not words_match("step-up (avoid an admission)", "void")


class Form(App[None]):
    def compose(self) -> ComposeResult:
        yield Field("Role", Choice(ROLES, id="role"))
        yield Field(
            "Needs",
            TickList(
                "Clinical",
                ("dehydration", "dehydration"),
                ("medication", "medication"),
                "Daily living",
                ("meals", "meals"),
                id="needs",
            ),
        )
        yield Field("Next", Input(id="after"))


async def test_typing_first_letters_and_enter_chooses_and_moves_on() -> None:
    app = Form()
    async with app.run_test() as pilot:
        choice = app.query_one(Choice)
        app.set_focus(choice)
        await pilot.press("a", "m", "enter")
        assert choice.value == "crew"
        assert app.focused is app.query_one(TickList)


async def test_escape_closes_the_list_without_changing_the_choice_and_delete_clears_it() -> None:
    app = Form()
    async with app.run_test() as pilot:
        choice = app.query_one(Choice)
        choice.choose("gp")
        app.set_focus(choice)
        await pilot.press("enter", "down", "down", "escape")
        assert choice.value == "gp" and not choice.expanded
        await pilot.press("delete")
        assert choice.value == ""


async def test_enter_on_a_choice_with_a_suggestion_confirms_it_and_down_opens_the_list() -> None:
    app = Form()
    async with app.run_test() as pilot:
        choice = app.query_one(Choice)
        choice.suggestion = "care_home"
        app.set_focus(choice)
        await pilot.press("down")
        assert choice.expanded and choice.value == ""
        await pilot.press("escape", "enter")
        assert choice.value == "care_home"


async def test_tab_after_letters_takes_the_option_found() -> None:
    app = Form()
    async with app.run_test() as pilot:
        choice = app.query_one(Choice)
        app.set_focus(choice)
        await pilot.press("w", "tab")
        assert choice.value == "ward_team" and app.focused is app.query_one(TickList)


async def test_a_tick_list_ticks_with_space_finds_by_letters_and_enter_ticks_nothing() -> None:
    app = Form()
    async with app.run_test() as pilot:
        ticks = app.query_one(TickList)
        app.set_focus(ticks)
        await pilot.press("m", "space")  # "medication", the first line beginning with m
        assert ticks.selected == ["medication"]
        await pilot.press("m", "e", "a", "space")  # "mea": meals
        assert ticks.selected == ["medication", "meals"]
        await pilot.press("enter")
        assert ticks.selected == ["medication", "meals"]
        assert app.focused is app.query_one(Input)


async def test_a_line_that_does_not_apply_says_so_and_cannot_be_ticked() -> None:
    app = Form()
    async with app.run_test() as pilot:
        ticks = app.query_one(TickList)
        ticks.set_selected(["meals"])
        ticks.set_not_applying({"meals": "step-down only"})
        assert ticks.selected == []  # what no longer applies is unticked, and says why
        app.set_focus(ticks)
        await pilot.press("end", "space")
        assert ticks.selected == []
        assert "[-] meals: step-down only" in str(ticks.render())


async def test_new_lines_keep_what_is_ticked_and_start_the_highlight_at_the_top() -> None:
    app = Form()
    async with app.run_test() as pilot:
        ticks = app.query_one(TickList)
        ticks.set_selected(["meals"])
        app.set_focus(ticks)
        await pilot.press("end")
        ticks.set_lines(("meals", "meals"), ("dehydration", "dehydration"))
        assert ticks.selected == ["meals"] and ticks.highlighted_value == "meals"


async def test_only_the_focused_field_carries_the_bar_and_the_reversed_label() -> None:
    app = Form()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one(Choice))
        await pilot.pause()
        role, needs, _ = app.query(Field)
        assert role.styles.outline_left[0] == "thick"
        assert needs.styles.outline_left[0] == "blank"
        label = role.query_children("Label").first()
        assert label.styles.text_style.reverse
