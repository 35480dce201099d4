"""Passwords: a standard slow hash (scrypt, from the standard library) and the policy.

Stored as `scrypt$n$r$p$salt$hash` (salt and hash in base64) so the cost can rise later
without breaking the passwords already stored. NCSC guidance: length over complexity rules.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

MIN_LENGTH = 10
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
"""About 32 MiB and 0.1 s per check on this machine: slow for guessing, fine for a desk."""
_MAXMEM = 64 * 1024 * 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches; False for anything else, a malformed hash included."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(found, base64.b64decode(digest))
    except ValueError:
        return False


@functools.cache
def dummy_hash() -> str:
    """Checked against when the user name is unknown, so an unknown name takes as long to
    refuse as a wrong password (no telling which names exist from the timing)."""
    return hash_password(secrets.token_hex(16))


def password_problem(username: str, password: str) -> str | None:
    """Why a new password is refused, in words; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"The password needs at least {MIN_LENGTH} characters."
    if password.strip() != password:
        return "The password must not begin or end with a space."
    if username.lower() in password.lower():
        return "The password must not contain the user name."
    return None
