"""What a 999 service sent, in the words the referral view shows first (BaRS rendering
principles: the call-back number, the chief concern, what it is for, when it is due; "not
provided" for what was not sent), kept as a plain dict beside the referral."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from spr_desk.bars.request import SCENE_SAFETY_WORDS, Contact, SceneSafety, ValidationRequest

NOT_PROVIDED = "not provided"


@dataclass(frozen=True)
class SentDetails:
    sender: str
    requester: str
    cdss: str
    chief_concern: str
    narrative: str
    contacts: tuple[Contact, ...]
    scene_safety: str
    """The scene-safety Flag in words ("scene NOT safe", "scene safety: not provided")."""
    flags: tuple[str, ...]
    incident_location: str
    marks: tuple[str, ...]
    cancel_reason: str

    @property
    def triaged_with(self) -> str:
        """ "triaged with Pathways 30.2.0", or that the sender did not say."""
        return f"triaged with {self.cdss}" if self.cdss else f"triage system {NOT_PROVIDED}"

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the view shows at its top, before anything else: an unsafe or unknown scene,
        safeguarding and the other flags, and what the desk could not trust."""
        # Safe says nothing; not sent is one of the marks already.
        quiet = (SCENE_SAFETY_WORDS[SceneSafety.SAFE], SCENE_SAFETY_WORDS[None])
        scene = () if self.scene_safety in quiet else (self.scene_safety.capitalize(),)
        return (*scene, *self.flags, *self.marks)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["contacts"] = [asdict(contact) for contact in self.contacts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentDetails:
        def text(key: str) -> str:
            value = data.get(key, "")
            return value if isinstance(value, str) else ""

        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            return tuple(str(item) for item in value) if isinstance(value, list) else ()

        contacts = tuple(
            Contact(int(item.get("rank", 0)), str(item.get("name", "")), str(item.get("phone", "")))
            for item in data.get("contacts", [])
            if isinstance(item, dict)
        )
        return cls(
            sender=text("sender"),
            requester=text("requester"),
            cdss=text("cdss"),
            chief_concern=text("chief_concern") or NOT_PROVIDED,
            narrative=text("narrative"),
            contacts=contacts,
            scene_safety=text("scene_safety") or SCENE_SAFETY_WORDS[None],
            flags=texts("flags"),
            incident_location=text("incident_location") or NOT_PROVIDED,
            marks=texts("marks"),
            cancel_reason=text("cancel_reason"),
        )


def sent_details(request: ValidationRequest) -> SentDetails:
    return SentDetails(
        sender=request.sender,
        requester=request.requester,
        cdss=request.cdss,
        chief_concern=request.chief_concern or NOT_PROVIDED,
        narrative=request.narrative,
        contacts=request.contacts,
        scene_safety=SCENE_SAFETY_WORDS[request.scene_safety],
        flags=request.flags,
        incident_location=request.incident_location or NOT_PROVIDED,
        marks=request.marks,
        cancel_reason=request.cancel_reason,
    )
