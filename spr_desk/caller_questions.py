"""The caller guides the questions: what the call asks of each kind of caller, as data.

`caller_questions.toml` says, for each referrer role, which questions follow the role (a crew's
999 incident number, a ward's planned discharge, a care home's kind, how a GP wants the update),
whether a timer runs from the call's start ("Crew waiting") and which urgency factors are
offered first. Pure: the screen shows what this says; the referral stores the answers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from spr_desk.uktime import LONDON
from spr_desk.validation import InputError, plain_text
from spr_desk.vocabulary import ReferrerRole, Urgency

KINDS = ("text", "choice", "when")


@dataclass(frozen=True, slots=True)
class Question:
    """One question the call may ask; `options` are (value, words) for a choice."""

    key: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""

    def words(self, answer: str) -> str:
        """The answer as the handler reads it (a choice's words, else the answer itself)."""
        return dict(self.options).get(answer, answer)


@dataclass(frozen=True, slots=True)
class CallerVariant:
    """What changes for one kind of caller."""

    questions: tuple[Question, ...] = ()
    timer: str | None = None
    """A clock from the call's start, named so (a crew waiting on scene)."""
    urgency_first: tuple[Urgency, ...] = ()
    """Urgency factors this caller is offered first."""


NO_VARIANT = CallerVariant()


@dataclass(frozen=True, slots=True)
class CallerQuestions:
    questions: tuple[Question, ...]
    """Every question, in the file's order: the form holds them all and shows the caller's."""
    variants: dict[ReferrerRole, CallerVariant]

    def for_role(self, role: str) -> CallerVariant:
        """The variant for a role as the form holds it (empty or unknown: none)."""
        try:
            return self.variants.get(ReferrerRole(role), NO_VARIANT)
        except ValueError:
            return NO_VARIANT

    def question(self, key: str) -> Question:
        return next(question for question in self.questions if question.key == key)


def parse_caller_questions(data: dict[str, Any]) -> CallerQuestions:
    """The table from its TOML form.

    Raises:
        ValueError: an unknown role, kind, urgency factor or question key, or a choice
            without options (the message names it).
    """
    questions: list[Question] = []
    for key, spec in data.get("questions", {}).items():
        kind = spec.get("kind", "text")
        if kind not in KINDS:
            raise ValueError(f"questions.{key}.kind: expected one of {', '.join(KINDS)}")
        options = tuple((str(value), str(words)) for value, words in spec.get("options", []))
        if kind == "choice" and not options:
            raise ValueError(f"questions.{key}.options: a choice needs options")
        questions.append(
            Question(key, str(spec["label"]), kind, options, str(spec.get("placeholder", "")))
        )
    known = {question.key: question for question in questions}
    variants: dict[ReferrerRole, CallerVariant] = {}
    for role_name, spec in data.get("roles", {}).items():
        try:
            role = ReferrerRole(role_name)
            urgency = tuple(Urgency(value) for value in spec.get("urgency_first", []))
        except ValueError as error:
            raise ValueError(f"roles.{role_name}: {error}") from None
        asks = []
        for key in spec.get("asks", []):
            if key not in known:
                raise ValueError(f"roles.{role_name}.asks: no question {key!r}")
            asks.append(known[key])
        variants[role] = CallerVariant(tuple(asks), spec.get("timer"), urgency)
    return CallerQuestions(tuple(questions), variants)


@cache
def caller_questions() -> CallerQuestions:
    """The packaged table (read once)."""
    text = resources.files("spr_desk").joinpath("caller_questions.toml").read_text("utf-8")
    return parse_caller_questions(tomllib.loads(text))


def parse_when(text: str, today: date) -> datetime:
    """A local date and time typed `DD/MM/YYYY HH:MM` (or `HH:MM` for today), as UK time.

    Raises:
        InputError: not in either form, or no such date or time.
    """
    parts = text.split()
    try:
        if len(parts) == 1:
            day, clock = today, parts[0]
        elif len(parts) == 2:
            day = datetime.strptime(parts[0], "%d/%m/%Y").date()
            clock = parts[1]
        else:
            raise ValueError
        hour, minute = (int(piece) for piece in clock.split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    except ValueError:
        raise InputError("Type it as DD/MM/YYYY HH:MM (or HH:MM for today).") from None


def answer_errors(variant: CallerVariant, answers: dict[str, str], today: date) -> dict[str, str]:
    """Messages for this caller's answers that cannot be right, by question key (an empty
    answer is not an error: none of these questions stops a referral)."""
    errors: dict[str, str] = {}
    for question in variant.questions:
        answer = answers.get(question.key, "").strip()
        if not answer:
            continue
        if question.kind == "when":
            try:
                parse_when(answer, today)
            except InputError as error:
                errors[question.key] = str(error)
        elif question.kind == "choice" and answer not in dict(question.options):
            errors[question.key] = "Choose one of the options."
    return errors


def recorded_answers(
    variant: CallerVariant, answers: dict[str, str], today: date
) -> tuple[tuple[str, str], ...]:
    """This caller's answers as the referral stores them, in the variant's order: (key, value),
    a time in `DD/MM/YYYY HH:MM`, only the questions this caller was asked and answered."""
    kept = []
    for question in variant.questions:
        answer = plain_text(answers.get(question.key, "")).strip()
        if not answer:
            continue
        if question.kind == "when":
            answer = parse_when(answer, today).strftime("%d/%m/%Y %H:%M")
        kept.append((question.key, answer))
    return tuple(kept)
