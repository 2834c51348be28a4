"""Where a page may send the browser next: only to a path of this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for


def same_site_path(target: str | None) -> str:
    """`target` when it is a path of this site, else the home page.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    `/\\t/evil.example/` or `/\\evil.example` lead to another site: a target holding any
    control character, space or backslash, even percent-encoded, is refused whole rather than
    cleaned. Only a path (`/…`, not `//…`) with no scheme and no host is followed.
    """
    home = url_for("home")
    if not target:
        return home
    decoded = unquote(target)
    if any(char <= " " or char in "\\\x7f" for char in target + decoded):
        return home
    if not target.startswith("/") or decoded.startswith("//"):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target
