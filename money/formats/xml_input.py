"""XML from outside (a bank statement, a supplier's invoice): parsed without trusting it,
read by paths, and refused with one line saying why."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

MESSAGE_LIMIT = 300
_SPACES = re.compile(r"\s+")


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """The text on one line (runs of white space, line breaks included, become one space),
    cut to `limit` characters: a refusal is read in a page, a log line or a table cell."""
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quoted(text: str | None, limit: int = 40) -> str:
    """A value read from the file, quoted and cut short, to name it in a refusal."""
    return "nothing" if text is None else repr(one_line(text, limit))


class FileRefused(ValueError):
    """A file that cannot be taken as it is. The message is one line saying why."""

    def __init__(self, message: str) -> None:
        self.message = one_line(message)
        super().__init__(self.message)


def parse_xml(data: bytes, refused: type[FileRefused], *, max_bytes: int, what: str) -> Any:
    """The root element of `data`, parsed without trusting it: no network, no entity
    resolution, no huge-tree mode, and any document type declaration (`<!DOCTYPE`, the
    door to entity bombs) refused. A file over `max_bytes` is refused before it is parsed.

    `what` names the document in the refusal ("a bank statement")."""
    if not isinstance(data, bytes | bytearray):
        raise refused(f"{what} must be read from bytes, not {type(data).__name__}")
    if not data.strip():
        raise refused(f"the file is empty: {what} was expected")
    if len(data) > max_bytes:
        raise refused(
            f"the file is {len(data) / 1_000_000:.1f} MB, more than the "
            f"{max_bytes / 1_000_000:.0f} MB accepted for {what}"
        )
    # One parser per call: lxml parsers are not to be shared between threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(bytes(data), parser)
    except (etree.LxmlError, ValueError) as error:
        raise refused(f"the file is not well-formed XML ({error})") from None
    if root is None:
        raise refused(f"the file holds no XML element: {what} was expected")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise refused(f"the file declares a document type (<!DOCTYPE>), which {what} never has")
    return root


def clean(text: str | None) -> str | None:
    """The text with its white space runs made one space, or None when nothing is left."""
    if text is None:
        return None
    stripped = " ".join(text.split())
    return stripped or None


class Fields:
    """An element's descendants by their path below it, namespaces left out
    ("RltdPties/Dbtr/Nm"), gathered in one walk so that many look-ups, most of them for
    optional elements that are absent, cost a dictionary access each.

    The walk records but does not enter an element whose path is in `stop`: a part read
    on its own (an entry's transactions, an invoice's lines)."""

    __slots__ = ("found",)

    def __init__(self, element: Any, stop: frozenset[str] = frozenset()) -> None:
        self.found: dict[str, list[Any]] = {}
        if stop:
            self._walk(element, "", stop)
            return
        # Without parts to leave out, lxml's own iteration is the fast way through. Holding
        # every element in `paths` keeps its proxy alive, so getparent() finds it again.
        found = self.found
        paths: dict[Any, str] = {element: ""}
        for child in element.iterdescendants():
            tag = child.tag
            if not isinstance(tag, str):
                continue
            parent = paths[child.getparent()]
            key = tag.rpartition("}")[2]
            if parent:
                key = parent + "/" + key
            same = found.get(key)
            if same is None:
                found[key] = [child]
            else:
                same.append(child)
            paths[child] = key

    def _walk(self, node: Any, path: str, stop: frozenset[str]) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            key = tag.rpartition("}")[2]
            if path:
                key = path + "/" + key
            self.found.setdefault(key, []).append(child)
            if key not in stop and len(child):
                self._walk(child, key, stop)

    def elements(self, path: str) -> list[Any]:
        """Every element at `path`, in document order."""
        return self.found.get(path, [])

    def element(self, path: str) -> Any:
        """The first element at `path`, or None."""
        found = self.found.get(path)
        return found[0] if found else None

    def text(self, path: str) -> str | None:
        """The cleaned text of the first element at `path`, or None."""
        found = self.found.get(path)
        return clean(found[0].text) if found else None

    def texts(self, path: str) -> list[str]:
        """The cleaned texts of every element at `path` that has some."""
        return [text for node in self.found.get(path, []) if (text := clean(node.text))]
