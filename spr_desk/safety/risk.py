"""DCB0129's scales and its 5x5 risk matrix (`../shared/NHS.md` §4).

Likelihood and severity run 1-5; the matrix gives the risk 1-5: 1 acceptable, 2 acceptable where
more reduction costs more than it gains, 3 undesirable (accepted only with a written reason that
more reduction is impractical), 4 and 5 unacceptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LIKELIHOOD: Final = ("very low", "low", "medium", "high", "very high")
"""Likelihood 1-5, by name."""
SEVERITY: Final = ("minor", "significant", "considerable", "major", "catastrophic")
"""Severity 1-5, by name: major is one death or permanent harm, catastrophic several."""
MATRIX: Final[tuple[tuple[int, ...], ...]] = (
    (1, 1, 2, 2, 3),  # very low
    (1, 2, 2, 3, 4),  # low
    (2, 2, 3, 3, 4),  # medium
    (2, 3, 3, 4, 5),  # high
    (3, 4, 4, 5, 5),  # very high
)
"""Risk by likelihood (rows, 1-5) and severity (columns, 1-5)."""
RISK_WORDS: Final = {
    1: "acceptable",
    2: "acceptable where more reduction costs more than it gains",
    3: "undesirable: accepted only if more reduction is impractical",
    4: "unacceptable",
    5: "unacceptable",
}
NEEDS_JUSTIFICATION: Final = 3
"""A residual risk from here up is accepted only with a written justification."""
UNACCEPTABLE: Final = 4
"""A residual risk from here up may not be accepted at all."""


def risk(likelihood: int, severity: int) -> int:
    """The matrix's risk for a likelihood and a severity, each 1-5."""
    if not (1 <= likelihood <= 5 and 1 <= severity <= 5):
        raise ValueError(f"likelihood and severity run 1-5, not {likelihood} and {severity}")
    return MATRIX[likelihood - 1][severity - 1]


@dataclass(frozen=True, slots=True)
class Rating:
    """A hazard's likelihood and severity, before or after its controls."""

    likelihood: int
    severity: int

    @property
    def risk(self) -> int:
        return risk(self.likelihood, self.severity)

    def words(self) -> str:
        """As the report prints it: `low x major = 3`."""
        return f"{LIKELIHOOD[self.likelihood - 1]} x {SEVERITY[self.severity - 1]} = {self.risk}"
