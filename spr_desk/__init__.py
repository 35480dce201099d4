"""SPR Desk: the Single Point of Referral triage desk. The package root imports nothing."""

__version__ = "0.1.0"
