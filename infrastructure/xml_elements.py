"""XML written with prefixed names (`ram:ID`) looked up in a table of namespaces, as the
documents of the CII family (Factur-X invoices, Order-X orders) are written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree


class ElementWriter:
    """Makes the elements of one kind of document from names `prefix:local`."""

    def __init__(self, namespaces: Mapping[str, str]) -> None:
        self.namespaces = dict(namespaces)

    def tag(self, name: str) -> str:
        """`{namespace}local` for `prefix:local`."""
        prefix, local = name.split(":")
        return f"{{{self.namespaces[prefix]}}}{local}"

    def add(self, parent: Any, name: str, text: str | None = None, **attributes: str) -> Any:
        """A new child of `parent`, with its text when given."""
        element = etree.SubElement(parent, self.tag(name), **attributes)
        if text is not None:
            element.text = text
        return element
