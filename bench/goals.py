"""Every benchmark's goal, from the issues, in one place: the table and each benchmark read
them here."""

GOAL_RECOMMEND_US = 50.0
GOAL_START_RATIO = 1.5
GOAL_KEY_MS = 16.0
GOAL_FACTS_KEY_RATIO = 1.5
"""The call's facts step, besides GOAL_KEY_MS: key to first frame p95 within 1.5x of a bare
`TickList`'s (issue 12)."""
GOAL_QUEUE_MS = 100.0
GOAL_QUEUE_RATIO = 2.0
GOAL_HANDOVER_MS = 50.0
GOAL_OPEN_MS = 100.0
GOAL_MEMORY_MB = 200.0
GOAL_SAVE_P95_MS = 50.0
GOAL_ETHEL_EXTRA_KEYS = 35
"""Keys to record Ethel's referral beyond those typed (issue 12: keys <= typed + 35)."""
GOAL_ROTA_LOCK_MS = 200.0
"""A year's rota (80 people x 365 days, 29,200 rows) holds the write lock under 200 ms
(issue 14)."""
