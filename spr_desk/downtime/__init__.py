"""Downtime: the desk on paper and back (the downtime issue).

`pack` is what the downtime pack holds; `rules_card` the red-flag and matrix card built from the
rules file; `pack_pdf` prints a pack; `html_copy` the read-only copy that needs no desk;
`paper` the rules of a call entered from a paper sheet; `mutual_aid` the signed file that
hands the open queue to a neighbouring desk. Pure: no storage, no UI.
"""
