"""The facilitator PIN: a salted hash to keep in the journal, and checking a typed PIN against it.

Only the hash is written (`pbkdf2-sha256$ROUNDS$SALT$DIGEST`, hex), so the journal does not
give the PIN away; naming the algorithm and rounds keeps an older journal's PIN checkable if
they change. The PIN guards the facilitator's screens, not the files: the journal itself is
protected by the account's file permissions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2-sha256"
ROUNDS = 200_000  # a tenth of a second or so per check: unnoticed when typed, slow to guess by script
MIN_LENGTH = 4


def hash_pin(pin: str) -> str:
    """A new salted hash of the PIN, to store in the journal's start entry."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, ROUNDS)
    return f"{ALGORITHM}${ROUNDS}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether the typed PIN is the one whose hash is stored; False for a hash this version cannot read."""
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return False
    try:
        rounds = int(parts[1])
        salt, expected = bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, rounds)
    return hmac.compare_digest(digest, expected)
