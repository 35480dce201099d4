"""The layers hold: the domain imports no UI or database code (proved in a fresh interpreter)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import spr_desk

WIRING = {"entrypoints", "__main__"}
"""The front hall (`spr_desk.entrypoints` and everything in it) wires the layers together and
may import anything; `__main__` is its doorstep."""
FORBIDDEN = ("textual", "sqlalchemy", "sqlmodel", "alembic", "db", "screens", "rich")
# walk_packages goes into subpackages (iter_modules does not): a domain subpackage is checked too.
# To look inside a subpackage it imports its __init__ (the front hall's imports nothing).
DOMAIN_MODULES = sorted(
    module.name.removeprefix("spr_desk.")
    for module in pkgutil.walk_packages(spr_desk.__path__, "spr_desk.")
    if module.name.removeprefix("spr_desk.").split(".")[0] not in WIRING
)


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_imports_no_ui_or_database_code(module: str) -> None:
    probe = (
        f"import sys, spr_desk.{module}\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


def test_the_domain_has_the_modules_the_design_names() -> None:
    assert {"vocabulary", "facts", "rules", "matrix", "due", "nhs_number", "lifecycle"} <= set(
        DOMAIN_MODULES
    )


BEFORE_THE_FIRST_FRAME = ("db", "sqlalchemy", "sqlmodel", "alembic", "spr_desk.desk_api")
"""What the app loads only once it has painted (the desk opens in a worker): storage, and the
desk's rows (25 dataclasses, 14 ms to build: `python -X importtime`) that screens name only in
their annotations."""


def test_the_app_paints_before_it_loads_storage_or_the_desks_rows() -> None:
    probe = (
        "import sys, spr_desk.entrypoints.app, spr_desk.entrypoints.bootstrap\n"
        f"loaded = [m for m in {BEFORE_THE_FIRST_FRAME!r}"
        " if m in sys.modules or any(n.startswith(m + '.') for n in sys.modules)]\n"
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
