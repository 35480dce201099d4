"""The F1 words: every full screen has its own, and the call's say what the call itself asks."""

from __future__ import annotations

import ast
from pathlib import Path

from spr_desk.call_form import EMERGENCY_WORDS, NHS_NUMBER_CHECKS, RED_FLAG_QUESTIONS
from spr_desk.caller_questions import caller_questions
from spr_desk.help_text import (
    DIALOG_HELP,
    HELP,
    SCREEN_FALLBACK,
    ScreenHelp,
    help_for,
    keys_named,
    split_keys,
    with_keys,
)

SCREENS = Path(__file__).resolve().parents[2] / "screens"
NEVER_SHOWN = {"PasswordScreen", "DeskScreen"}
"""Bases of other screens, never shown themselves (sign-in and the lock share the first; the
desk's full screens the second)."""


def screen_classes() -> dict[str, set[str]]:
    """Every class in `screens/` by name, with the names of its bases (read, not imported)."""
    classes: dict[str, set[str]] = {}
    for path in SCREENS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = set()
                for base in node.bases:
                    target = base.value if isinstance(base, ast.Subscript) else base
                    if isinstance(target, ast.Name):
                        bases.add(target.id)
                    elif isinstance(target, ast.Attribute):
                        bases.add(target.attr)
                classes[node.name] = bases
    return classes


def is_a(name: str, kind: str, classes: dict[str, set[str]]) -> bool:
    bases = classes.get(name, set())
    return kind in bases or any(is_a(base, kind, classes) for base in bases if base in classes)


def full_screens() -> set[str]:
    classes = screen_classes()
    return {
        name
        for name in classes
        if is_a(name, "Screen", classes) and not is_a(name, "ModalScreen", classes)
    } - NEVER_SHOWN


def all_words(help_: ScreenHelp) -> str:
    return "\n".join(
        "\n".join((section.heading, *section.paragraphs)) for section in help_.sections
    )


def test_every_full_screen_has_its_own_help() -> None:
    screens = full_screens()
    assert {"QueueScreen", "TriageScreen", "SignInScreen", "LockScreen"} <= screens
    assert screens - HELP.keys() == set()


def test_the_help_names_only_screens_that_exist() -> None:
    assert HELP.keys() - full_screens() == set()


def test_each_help_has_a_title_and_words() -> None:
    for name, help_ in HELP.items():
        assert help_.title and help_.sections, name
        assert all(section.paragraphs for section in help_.sections), name


def test_a_dialog_without_words_of_its_own_points_at_its_last_line() -> None:
    assert help_for("ExportModal", dialog=True) is DIALOG_HELP
    assert "keys of this dialog are on its last line" in all_words(DIALOG_HELP)
    assert help_for("SomethingNew") is SCREEN_FALLBACK
    assert help_for("QueueScreen", dialog=True) is HELP["QueueScreen"]


def test_the_call_help_asks_the_seven_red_flag_questions_in_order_and_says_the_words() -> None:
    words = all_words(HELP["TriageScreen"])
    places = [words.index(question) for question in RED_FLAG_QUESTIONS.values()]
    assert places == sorted(places) and len(places) == 7
    assert EMERGENCY_WORDS in words
    assert 'In the red-flag list {n} means "asked all seven: none applies"' in words


def test_the_call_help_names_the_call_keys() -> None:
    named = set(keys_named(all_words(HELP["TriageScreen"])))
    call_keys = {"f2", "f3", "f4", "f5", "f6", "f7", "f8", "ctrl+s", "escape", "ctrl+n"}
    moving = {"tab", "shift+tab", "space", "enter", "n"}
    assert call_keys | moving <= named


def test_the_call_help_says_what_each_kind_of_caller_is_asked() -> None:
    words = all_words(HELP["TriageScreen"])
    table = caller_questions()
    for variant in table.variants.values():
        for question in variant.questions:
            assert question.label in words
            for _, option in question.options:
                assert option in words
        if variant.timer:
            assert f'"{variant.timer}" clock' in words


def test_the_call_help_says_an_nhs_number_may_be_not_known_and_is_then_to_trace() -> None:
    words = all_words(HELP["TriageScreen"])
    assert all(check in words for check in NHS_NUMBER_CHECKS.values())
    assert '"NHS number to trace"' in words
    assert "suggested from the postcode" in words


def test_keys_in_the_words_are_shown_as_the_screen_names_them() -> None:
    assert with_keys(
        "{ctrl+s} records; {escape} leaves", {"ctrl+s": "^s", "escape": "esc"}.__getitem__
    ) == ("^s records; esc leaves")
    assert split_keys("{f6} red flags") == [("f6", True), (" red flags", False)]
    assert keys_named("no keys {here or there}") == []
