"""What F1 says about each screen, as plain words keyed by the screen's class name.

The keys themselves are not written here: the help screen lists them from the screen's own
bindings, so they cannot go out of date. Where the words name a key they write it in braces,
`{ctrl+s}`, and the help screen shows it as the footer does (`with_keys`). What the call asks is
read from the data the call itself uses: the red-flag questions and the words to say, the caller
questions, the ways an NHS number is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spr_desk.call_form import (
    EMERGENCY_WORDS,
    NHS_NUMBER_CHECKS,
    NOT_TRACED,
    RED_FLAG_QUESTIONS,
    VERIFIED,
)
from spr_desk.caller_questions import CallerVariant, caller_questions
from spr_desk.due import STATE_WORDS
from spr_desk.vocabulary import label


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScreenHelp:
    title: str
    """What the screen is, as the help's title says it: "Help: the queue"."""
    sections: tuple[Section, ...]


KEY = re.compile(r"\{([a-z0-9_+]+)\}")
"""A key named in the words: `{ctrl+s}`, `{f6}`, `{slash}` (Textual's key names)."""


def with_keys(text: str, display: Callable[[str], str]) -> str:
    """The words with each `{key}` as `display` names it (the footer's names)."""
    return KEY.sub(lambda match: display(match.group(1)), text)


def keys_named(text: str) -> list[str]:
    """The keys the words name, in order."""
    return KEY.findall(text)


def split_keys(text: str) -> list[tuple[str, bool]]:
    """The words in pieces, each marked whether it names a key (to show keys in bold)."""
    return [(piece, index % 2 == 1) for index, piece in enumerate(KEY.split(text)) if piece]


CTRL_NOTE = "^ is the ctrl key: ^s means hold ctrl and press s."
TEXTUAL_KEY_WORDS: dict[str, str] = {
    "app.focus_next": "Next field",
    "app.focus_previous": "Previous field",
    "quit": "Quit SPR Desk (with a call open it asks first; the call is kept as a draft)",
    "command_palette": "The command palette: find a command by name",
}
"""Textual's own keys that the desk keeps, by action, in the desk's words."""


def _caller_lines() -> tuple[str, ...]:
    # Roles asked the same (a ward and A&E) share one line.
    by_variant: dict[CallerVariant, list[str]] = {}
    for role, variant in caller_questions().variants.items():
        by_variant.setdefault(variant, []).append(label(role))
    lines = []
    for variant, roles in by_variant.items():
        asked = []
        for question in variant.questions:
            options = " / ".join(words for _, words in question.options)
            asked.append(f"{question.label} ({options})" if options else question.label)
        who = " and ".join(roles)
        line = f"{who[:1].upper()}{who[1:]}: {'; '.join(asked)}"
        if variant.timer:
            line += f'. A "{variant.timer}" clock runs from the start of the call'
        if variant.urgency_first:
            first = ", ".join(label(factor) for factor in variant.urgency_first)
            line += f', and "{first}" is offered first among the urgency factors'
        lines.append(f"• {line}.")
    return tuple(lines)


NUMBER_WORDS = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _in_words(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def _red_flag_lines() -> tuple[str, ...]:
    questions = [
        f"{number}. {question}"
        for number, question in enumerate(RED_FLAG_QUESTIONS.values(), start=1)
    ]
    count = _in_words(len(RED_FLAG_QUESTIONS))
    return (
        f"Ask all {count} first, in these words, and tick any that is yes.",
        "\n".join(questions),
        f'In the red-flag list {{n}} means "asked all {count}: none applies".',
        f'If any is yes, say: "{EMERGENCY_WORDS}"',
        "The call is then recorded as redirected, with everything typed so far and the words said.",
    )


def _nhs_number_line() -> str:
    typed = [words for key, words in NHS_NUMBER_CHECKS.items() if key in (NOT_TRACED, VERIFIED)]
    unknown = [
        words for key, words in NHS_NUMBER_CHECKS.items() if key not in (NOT_TRACED, VERIFIED)
    ]
    return (
        f"The NHS number first, and how it is known: {' or '.join(typed)}. When there is none, "
        f'say why ({"; ".join(unknown)}): the referral is then flagged "NHS number to trace".'
    )


STATES = ", ".join(STATE_WORDS.values())

HELP: dict[str, ScreenHelp] = {
    "QueueScreen": ScreenHelp(
        "the queue",
        (
            Section(
                "What it shows",
                (
                    "Every open referral: those still awaiting a first response first, then "
                    "the soonest due. Left is the time left to the due time; State says it in "
                    f"words ({STATES}), so it reads without colour.",
                    "The line above the board counts what is open, awaiting a first response "
                    "and breached. The queue reads itself again whenever any desk changes "
                    "anything, and as time passes; {f5} reads it now. Moved is the time since "
                    "anyone last acted on a referral, marked ⏸ past its response's limit; each "
                    "state has a symbol as well as its word.",
                ),
            ),
            Section(
                "Finding a referral",
                (
                    "Typing on the board goes to the search (no letter is a command); {slash} "
                    "goes there too: a reference, an NHS number or a name, found at any status. "
                    "{tab} moves on to the filters (status, response, lead, locality, "
                    "pathway); {enter} opens a filter's list and typing its first letters "
                    "chooses. {enter} in the search goes to the first row found; on the board the "
                    "arrows and page keys move, and {enter} opens the referral under the cursor.",
                    "The status filter also lists, newest first, the calls redirected to "
                    "999 / A&E (who called, the patient as typed, the red flags) and the "
                    "referrals whose patient has no NHS number yet.",
                ),
            ),
            Section(
                "Taking work",
                (
                    "{f2} shows the most urgent referral waiting to be allocated and asks; "
                    "claimed, it opens and no other desk is given it. {f3} hands your claim "
                    "on the referral under the cursor back.",
                    "{ctrl+n} takes a call; the queue stays as it was. {f4} shows who is on, "
                    "{f6} the handover pack, {f7} the supervisor's figures (supervisors and "
                    "administrators).",
                ),
            ),
        ),
    ),
    "TriageScreen": ScreenHelp(
        "the call",
        (
            Section(
                "The sections",
                (
                    "{f2} caller, {f3} patient, {f4} facts, {f5} decide (the matrix), "
                    "{f6} red flags, {f7} notes: each key goes to the first field of its "
                    "section.",
                    "{tab} and {shift+tab} move between fields. Every call visits every "
                    "field in the same order, so the hands learn it; a field that does not "
                    "apply to this call says so, and {tab} passes it.",
                    "{space} ticks a tick box, or the line of a tick list under the cursor. "
                    "{enter} never ticks: it moves on, or opens a list. In a list, typing "
                    "the first letters chooses.",
                ),
            ),
            Section("Red flags ({f6})", _red_flag_lines()),
            Section(
                "Caller ({f2})",
                (
                    "Name, role, organisation and a call-back number. A caller the desk "
                    "already knows is offered as the name is typed, and fills in the rest.",
                    "The caller's role adds its own questions:",
                    *_caller_lines(),
                ),
            ),
            Section(
                "Patient ({f3})",
                (
                    _nhs_number_line(),
                    "A patient the desk knows is named with their earlier referrals, and the "
                    "empty fields are filled from the record (nothing typed is overwritten). "
                    "An open referral is shown: check before making a second one.",
                    "Then the name, the date of birth (the age is shown), the address to "
                    "visit and its postcode, the GP practice (it stays accountable), whether "
                    "they live alone, access (a key safe code, masked) and the next of kin.",
                ),
            ),
            Section(
                "Facts ({f4})",
                (
                    "Step-up (avoid an admission) or step-down (support a discharge); where "
                    "the person is now; every need that applies (clinical, function, daily "
                    "living); the urgency (within hours, within a day); the primary need if "
                    "one should lead; a bed needed, Home from Hospital (step-down) or a "
                    "community step-up bed; the records seen.",
                    "The locality is suggested from the postcode: change it if the person "
                    "is to be seen elsewhere.",
                ),
            ),
            Section(
                "Decide ({f5})",
                (
                    "The matrix shows what it recommends and why, with N on each cell that "
                    "cannot be sent now. {a} agrees; the arrows and {enter} choose another "
                    "cell, which needs a reason. A red flag, a child, or nobody to send at "
                    "that urgency is said instead of a cell.",
                ),
            ),
            Section("Notes ({f7})", ("Anything else the caller said.",)),
            Section(
                "Recording, leaving, a second call",
                (
                    "{ctrl+s} reads the call back to the caller, then records it; anything "
                    "missing is named at its field first. The reference is shown to read out.",
                    "{escape} leaves the call and asks: keep it as a draft, discard it, or "
                    "stay (stay is the default). Every change is saved as a draft as it is "
                    "typed.",
                    "{ctrl+n} starts another call and puts this one on hold, as {ctrl+o} "
                    "does on the way to the queue; every header names the call on hold, and "
                    "{f8} takes it back. A call kept as a draft is offered again at the next "
                    "{ctrl+n}.",
                ),
            ),
            Section(
                "From paper ({f9})",
                (
                    "After downtime, a call taken on a paper sheet is typed in as a new call: "
                    "{f9} asks for the sheet's reference as printed on it and the received "
                    "time written on it (DD/MM/YYYY HH:MM, or HH:MM for today), and who took "
                    "it. The desk checks the sheet was reserved and not entered before.",
                    "The due time runs from the time written, not from now: a line at the top "
                    "of the call says so, and a due time that passed on paper is said as such "
                    "when it is recorded. {f9} again corrects the reference or the time.",
                ),
            ),
        ),
    ),
    "ReferralScreen": ScreenHelp(
        "one referral",
        (
            Section(
                "What it shows",
                (
                    "Its status; the due time and the time left (or when the first response "
                    "came, and whether the due time was met); the response and lead chosen "
                    "beside what the matrix said and why, and any override; who holds it; "
                    "the patient, the referrer; and the history of every change to it.",
                    'A patient without an NHS number reads "TO TRACE": {n} adds the number '
                    "once it is known. When a patient on record already has it, the referral "
                    "becomes theirs.",
                ),
            ),
            Section(
                "Moving it on",
                (
                    "{a} allocates it to a team or to a professional on shift (those who "
                    "cover its locality first, with their load).",
                    "{r} records the first face-to-face response; after the due time it asks "
                    "why. {s} says the episode of care has started. {l} changes the lead "
                    "while in service, with a reason: the same referral carries on.",
                    "{c} closes it with an outcome, and whether the GP has been updated. {x} "
                    "cancels it with a reason.",
                    "A key its status does not allow says why. {escape} goes back to the queue.",
                ),
            ),
        ),
    ),
    "SupervisorScreen": ScreenHelp(
        "the supervisor's figures",
        (
            Section(
                "What it shows",
                (
                    "Today's and this week's figures: first responses met and breached "
                    "against their due times (with the reasons given), outcomes, overrides "
                    "of the matrix, the queue as it stands, calls by hour, and the "
                    "referrals flagged for review.",
                ),
            ),
            Section(
                "What it does",
                (
                    "{f} flags a referral for review with a comment. {e} writes the "
                    "referrals of the days chosen to a CSV file, in the desk's own data "
                    "folder, readable by its owner only (it holds patient details).",
                    "{a} opens the audit trail; {r} reads the figures again.",
                    "{c} opens the charts. Under the figures: the GP updates owed (each with "
                    "its due time and state), the month's four national UCR measures (the "
                    "same rows the CSDS return holds) and the call handlers each hour needs "
                    "beside those on the rota.",
                ),
            ),
        ),
    ),
    "ChartsScreen": ScreenHelp(
        "the supervisor's charts",
        (
            Section(
                "What it shows",
                (
                    "Five charts of the desk's own referrals: by hour of the day, by day, the "
                    "share met in time by response over the weeks, breaches and overrides "
                    "over the weeks, and the open queue by lead and locality.",
                    "Every chart has its numbers as text too: they read without colour.",
                ),
            ),
            Section(
                "What it does",
                (
                    "{1} to {5} choose a chart; {left} and {right} step through them. {t} "
                    "shows the chart's numbers as text, or the plot again. {r} reads the "
                    "figures again; {escape} goes back to the supervisor view.",
                ),
            ),
        ),
    ),
    "AuditScreen": ScreenHelp(
        "the audit trail",
        (
            Section(
                "What it shows",
                (
                    "Every change anyone made, newest first: when, who, what, which "
                    "referral, and the detail (before and after). Nothing here can change "
                    "an event.",
                ),
            ),
            Section(
                "Filtering",
                (
                    "{slash} goes to the filters: a person (as recorded), a reference, and "
                    "the days from and to (DD/MM/YYYY). {enter} applies them. The line above "
                    "the list says how many events match.",
                ),
            ),
        ),
    ),
    "AvailabilityScreen": ScreenHelp(
        "who is on",
        (
            Section(
                "Can be offered now",
                (
                    "For each locality, Y or N for the nine cells of the matrix: Rapid, Fast "
                    "and Normal, each by Nurse (N), Therapist (T) and Social care (S). N "
                    "means nobody can be sent in time; the call moves to the next lead at "
                    "the same urgency, never to a slower one.",
                    "With no shifts on the rota for the next three days every cell shows Y "
                    "and the handler decides.",
                ),
            ),
            Section(
                "People",
                (
                    "Who is on shift now: name, role, until when, their load (open "
                    "allocations against capacity, FULL at capacity) and team; then who "
                    "starts within a day.",
                    "{o} opens the rota; {r} reads it again.",
                ),
            ),
        ),
    ),
    "RotaScreen": ScreenHelp(
        "the rota",
        (
            Section(
                "What it shows",
                ("Every shift from today for a week: day, start, end, name, role and team.",),
            ),
            Section(
                "Changing it",
                (
                    "{a} adds one shift (and the person, if new). {d} deletes the shift "
                    "under the cursor.",
                    "{i} imports a rota file (CSV), all or nothing: a file with any bad row "
                    "changes nothing, and the report names every bad row.",
                    "Only supervisors and administrators may change the rota.",
                ),
            ),
        ),
    ),
    "HandoverScreen": ScreenHelp(
        "the handover",
        (
            Section(
                "The pack",
                (
                    "At each boundary between the day desk and the night team the desk "
                    "builds a pack for the next watch: every open referral with its time "
                    "left, state, what is outstanding, risks, and an SBAR note (situation, "
                    "background, assessment, recommendation).",
                    "It opens on the pack waiting to be acknowledged, else the newest. "
                    "Referrals recorded since the pack was built are named as new.",
                ),
            ),
            Section(
                "What it does",
                (
                    "{e} (or {enter}) edits the SBAR note of the referral under the cursor. "
                    "{k} acknowledges the handover: who took it, and when.",
                    "{b} builds the pack now, {p} opens an earlier one, {x} writes it as "
                    "Markdown and CSV to the desk's data folder (owner only).",
                ),
            ),
        ),
    ),
    "SignInScreen": ScreenHelp(
        "signing in",
        (
            Section(
                "Signing in",
                (
                    "Type your user name, {enter}, your password, {enter}. After a wrong "
                    "password the next try waits a little longer each time.",
                    "Nothing opens until someone signs in. People are added by an "
                    "administrator at a command line: spr-desk user add NAME --role ROLE.",
                    "{ctrl+q} quits.",
                ),
            ),
            Section(
                "Signing out, switching user",
                (
                    "{f12} on any screen signs out (it asks first) and brings this screen "
                    "back for the next person, who gets their own queue. A call open is kept "
                    "as the draft of whoever took it, offered to them alone when they sign in "
                    "again.",
                ),
            ),
        ),
    ),
    "SignedOutScreen": ScreenHelp(
        "signed out",
        (
            Section(
                "Signed out",
                (
                    "Someone signed out: nothing of theirs is left on the screen. The sign-in "
                    "screen above this one is for the next person; {ctrl+q} quits.",
                ),
            ),
        ),
    ),
    "LockScreen": ScreenHelp(
        "the lock",
        (
            Section(
                "Locked",
                (
                    "The desk locks itself after some minutes without a key press, over "
                    "whatever was open, so nothing of a call shows to a passer-by.",
                    "The same person's password and {enter} open it again, with everything "
                    "as it was, a call half typed included. {ctrl+q} quits; the call is kept "
                    "as a draft.",
                    "{f12} signs them out instead, so that someone else can sign in: the "
                    "call is kept as their draft.",
                ),
            ),
        ),
    ),
    "OpeningScreen": ScreenHelp(
        "opening the desk",
        (
            Section(
                "Opening",
                ("The desk is opening its database; sign-in follows in a moment.",),
            ),
        ),
    ),
}
"""Each full screen's help, by its class name."""

DIALOG_HELP = ScreenHelp(
    "this dialog",
    (Section("", ("The keys of this dialog are on its last line, and below.",)),),
)
SCREEN_FALLBACK = ScreenHelp(
    "this screen",
    (Section("", ("Its keys are below, and on the last line of the screen.",)),),
)


def help_for(screen_name: str, *, dialog: bool = False) -> ScreenHelp:
    """The help of the screen class named; a dialog's or a plain fallback without its own."""
    if screen_name in HELP:
        return HELP[screen_name]
    return DIALOG_HELP if dialog else SCREEN_FALLBACK
