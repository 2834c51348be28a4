"""Passwords: hashed with scrypt from the standard library, refused when short or common."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from purchasing.errors import N_, Message

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing so parameters can change later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"scrypt${_N}${_R}${_P}${encoded[0]}${encoded[1]}"


def check_password(stored: str, password: str) -> bool:
    """Whether `password` matches the `stored` hash, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)


MIN_LENGTH = 12
"""Shorter passwords are refused whatever they hold."""

# What the estimator warns about, in our words (its own are English only), most telling first.
_WEAKNESSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("common password", "commonly used"),
        N_("This password is among the most common ones: choose another."),
    ),
    (("sequences",), N_('This password is easy to guess: sequences such as "abc" or "6543".')),
    (("repeats",), N_('This password is easy to guess: repeats such as "aaa" or "abcabc".')),
    (("keys", "keyboard"), N_("This password is easy to guess: a row of neighbouring keys.")),
    (("years", "dates"), N_("This password is easy to guess: dates and years.")),
    (
        ("names", "word by itself", "words"),
        N_("This password is easy to guess: a single word or name."),
    ),
)


def password_weakness(password: str, known: tuple[str, ...] = ()) -> Message | None:
    """Why `password` is refused, or None when it is long and hard enough to guess.

    A password has at least `MIN_LENGTH` characters and zxcvbn's estimator must give it a
    score of at least 3 of 4 (about 10^8 guesses): common passwords, words alone, keyboard
    rows, repeats, sequences and dates score lower. `known` are the account's own words
    (e-mail, name), which a password must not merely repeat.
    """
    if len(password) < MIN_LENGTH:
        return Message(N_("A password has at least %(count)d characters."), {"count": MIN_LENGTH})
    from zxcvbn import zxcvbn  # imported here: only account changes pay for its word lists

    # The estimator's cost grows with length; beyond 100 characters nothing is guessable.
    estimate = zxcvbn(password[:100], user_inputs=[word for word in known if word])
    if estimate["score"] >= 3:
        return None
    if any(match.get("dictionary_name") == "user_inputs" for match in estimate.get("sequence", [])):
        return Message(N_("This password is easy to guess: it repeats your name or e-mail."))
    warning = str(estimate["feedback"].get("warning") or "").lower()
    for keywords, text in _WEAKNESSES:
        if any(keyword in warning for keyword in keywords):
            return Message(text)
    return Message(
        N_("This password is easy to guess: add a few uncommon words or make it longer.")
    )
