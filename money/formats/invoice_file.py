"""An invoice's or credit note's whole Factur-X file: its page drawn, its EN 16931 XML
written, the one carried in the other. The same document always gives the same bytes.

fpdf2 and factur-x stamp a file with the time it is made (its creation and modification dates,
in the document information and in the XMP metadata of the page and of the Factur-X file), and
the file identifier is a checksum of the whole. An invoice is dated by its issue date, so its
file is stamped with that day (midnight UTC), and drawing it again, later or in another
process, gives the same bytes: a batch drawn in parallel is byte for byte the batch drawn in
order. Neither library takes the time as an argument; they read it from the `datetime` class
their modules imported, which is replaced for as long as a file is drawn (one file at a time
per process, under a lock).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, tzinfo
from types import ModuleType

import facturx.facturx
import fpdf.fpdf
import fpdf.output

from money.amounts import invoice_totals
from money.documents import Invoice
from money.formats.facturx import facturx_pdf, invoice_xml
from money.formats.invoice_pdf import invoice_pdf

# The modules whose `datetime` says when a file is made.
_STAMPING: tuple[ModuleType, ...] = (fpdf.fpdf, fpdf.output, facturx.facturx)
_CLOCK = threading.Lock()


@contextmanager
def _stopped_clock(moment: datetime) -> Iterator[None]:
    """While held, fpdf2 and factur-x read `moment` (timezone-aware) as the current time."""

    class Stopped(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Stopped:
            instant = moment.astimezone(tz or UTC)
            if tz is None:
                instant = instant.replace(tzinfo=None)
            return cls.combine(instant.date(), instant.timetz())

    with _CLOCK:
        saved = [module.datetime for module in _STAMPING]  # type: ignore[attr-defined]
        for module in _STAMPING:
            module.datetime = Stopped  # type: ignore[attr-defined]
        try:
            yield
        finally:
            for module, original in zip(_STAMPING, saved, strict=True):
                module.datetime = original  # type: ignore[attr-defined]


def stamp_of(document: Invoice) -> datetime:
    """When the document's file says it was made: its issue date, at midnight UTC."""
    return datetime.combine(document.issue_date, time(0), tzinfo=UTC)


def invoice_file(document: Invoice, logo: bytes = b"") -> bytes:
    """The document's Factur-X file (PDF/A-3 with its XML), stamped with its issue date."""
    totals = invoice_totals(document)
    xml = invoice_xml(document)
    with _stopped_clock(stamp_of(document)):
        return facturx_pdf(invoice_pdf(document, totals, logo), xml)
