"""999 referrals over the Booking and Referral Standard (BaRS, Application 4, use case `a4t3`):
reading a Validation Request, the desk's refusals and marks, and the replies it owes.

Pure: no Textual, no database. `fhir.resources` is imported only by `spr_desk.bars.structure`,
which only the `spr-desk bars` commands load (its import costs a third of a second).
"""
