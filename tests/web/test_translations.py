"""French is the first language: every interface text has its French translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None,
            "lazy_gettext": None}  # fmt: skip
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def source_texts() -> set[str]:
    texts: set[str] = set()
    for package in ("web", "purchasing", "suppliers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / package), METHODS, keywords=KEYWORDS
        ):
            texts.add(message[0] if isinstance(message, tuple) else message)
    return texts


def test_every_interface_text_is_translated_into_french():
    with (ROOT / "web/translations/fr/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file, locale="fr")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(source_texts() - translated)
    assert missing == [], "run `make translations-update` and translate: " + repr(missing[:10])
