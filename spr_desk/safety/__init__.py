"""Clinical risk management to DCB0129 as data: the hazard log (`safety/hazards.toml`), its
checks against the tests that prove each control, and the safety case report written from both.
Pure: the `spr-desk safety` commands (`spr_desk/entrypoints/safety.py`) read the files."""
