"""Run the desk with `python -m spr_desk`."""

from spr_desk.entrypoints.cli import main

raise SystemExit(main())
