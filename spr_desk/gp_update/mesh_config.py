"""The MESH configuration: where MESH is, the desk's own mailbox and its secrets, and each GP
practice's mailbox, from one TOML file named by `SPR_DESK_MESH_CONFIG`:

    [mesh]
    url = "https://msg.intspineservices.nhs.uk"
    mailbox = "X26ABC1"
    password = "..."
    shared_key = "..."
    ca = "/etc/spr-desk/mesh-ca.pem"        # optional: the CA that signed MESH's certificate
    cert = "/etc/spr-desk/mesh-client.pem"  # optional: our client certificate
    key = "/etc/spr-desk/mesh-client.key"   # optional: its private key

    [practices]
    "Aylesbury Vale Surgery" = "X26ABC2"    # the practice's name as on the record = its mailbox

A practice's name is matched ignoring case and runs of spaces. The secrets are never repeated in
a refusal."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spr_desk.refusal import Refused

ENV_VAR = "SPR_DESK_MESH_CONFIG"
_MAILBOX = re.compile(r"[A-Za-z0-9]{3,20}")
_OPTIONAL_FILES = ("ca", "cert", "key")


class MeshConfigRefused(Refused):
    """The MESH configuration cannot be used; the message says which file and what to fix."""


@dataclass(frozen=True, slots=True)
class MeshConfig:
    path: str
    url: str
    mailbox: str
    password: str = field(repr=False)
    shared_key: str = field(repr=False)
    practices: Mapping[str, str]
    """Normalised practice name -> MESH mailbox id."""
    ca: str | None = None
    cert: str | None = None
    key: str | None = None

    def mailbox_for(self, practice: str) -> str | None:
        """The practice's MESH mailbox id, or None when the file has none for it."""
        return self.practices.get(practice_key(practice))


def practice_key(practice: str) -> str:
    return " ".join(practice.split()).casefold()


def config_path(environ: Mapping[str, str]) -> str:
    """The configuration file's path from the environment.

    Raises:
        MeshConfigRefused: `SPR_DESK_MESH_CONFIG` is not set.
    """
    path = environ.get(ENV_VAR, "").strip()
    if not path:
        raise MeshConfigRefused(
            f"{ENV_VAR} is not set: name the MESH configuration file (TOML with [mesh] and "
            "[practices])."
        )
    return path


def read_mesh_config(path: str) -> MeshConfig:
    """Read and check the file.

    Raises:
        MeshConfigRefused: the file cannot be read, is not TOML, or lacks or mistypes a setting.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise MeshConfigRefused(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise MeshConfigRefused(f"{path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise MeshConfigRefused(f"{path} is not valid TOML: {error}") from None
    return parse_mesh_config(data, path=path)


def parse_mesh_config(data: Mapping[str, Any], *, path: str) -> MeshConfig:
    mesh = _table(data, "mesh", path)
    url = _text(mesh, "url", path)
    if not url.startswith(("https://", "http://")):
        raise MeshConfigRefused(f"{path} [mesh] url must start with https:// (or http://).")
    mailbox = _mailbox(_text(mesh, "mailbox", path), f"{path} [mesh] mailbox")
    optional = {name: _optional_file(mesh, name, path) for name in _OPTIONAL_FILES}
    if optional["key"] and not optional["cert"]:
        raise MeshConfigRefused(f"{path} [mesh] has a key but no cert: give both or neither.")
    practices: dict[str, str] = {}
    for name, value in _table(data, "practices", path, required=False).items():
        if not isinstance(value, str) or not practice_key(name):
            raise MeshConfigRefused(
                f'{path} [practices] {name!r} must be a mailbox id in quotes, e.g. "X26ABC2".'
            )
        practices[practice_key(name)] = _mailbox(value, f"{path} [practices] {name!r}")
    return MeshConfig(
        path=path,
        url=url.rstrip("/"),
        mailbox=mailbox,
        password=_text(mesh, "password", path),
        shared_key=_text(mesh, "shared_key", path),
        practices=practices,
        **optional,
    )


def _table(data: Mapping[str, Any], name: str, path: str, *, required: bool = True) -> Any:
    found = data.get(name)
    if found is None and not required:
        return {}
    if not isinstance(found, dict):
        raise MeshConfigRefused(f"{path} has no [{name}] table.")
    return found


def _text(table: Mapping[str, Any], name: str, path: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise MeshConfigRefused(f'{path} [mesh] needs {name} = "..." (text, not empty).')
    return value.strip()


def _optional_file(table: Mapping[str, Any], name: str, path: str) -> str | None:
    value = table.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise MeshConfigRefused(f"{path} [mesh] {name} must be a file path in quotes.")
    if not Path(value).is_file():
        raise MeshConfigRefused(f"{path} [mesh] {name}: no file {value}.")
    return value


def _mailbox(value: str, where: str) -> str:
    value = value.strip()
    if not _MAILBOX.fullmatch(value):
        raise MeshConfigRefused(f"{where}: {value!r} is not a MESH mailbox id (letters, digits).")
    return value.upper()
