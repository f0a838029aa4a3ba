"""Reading a document the way its receivers do: the PDF's pages rendered to pictures (pypdfium2)
and the QR codes on them decoded (zxing-cpp), its text and catalog (pypdf), its embedded XML taken
out and checked against the Factur-X schema."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import facturx
import pypdfium2
import zxingcpp
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, PdfObject

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def qr_codes_per_page(pdf: bytes, dpi: int = 200) -> list[list[str]]:
    """The text of every QR code on each page, page by page."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil()
        codes = zxingcpp.read_barcodes(image)
        found.append([code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode])
    return found


def qr_payloads(pdf: bytes) -> list[list[str]]:
    """Every QR code of the document, each as its lines."""
    return [code.replace("\r\n", "\n").split("\n") for page in qr_codes_per_page(pdf) for code in page]


def text(pdf: bytes) -> str:
    """The text of all pages, lines joined by newlines, no-break spaces read as spaces."""
    pages = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return pages.replace("\u00a0", " ")


def text_of(pdf: bytes) -> str:
    """The text of all pages, whitespace collapsed to single spaces."""
    return " ".join(text(pdf).split())


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def dictionary(value: object) -> dict[str, Any]:
    """A PDF dictionary's entries (pypdf's objects), the reference to it resolved."""
    resolved = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(resolved, DictionaryObject), resolved
    return dict(resolved)


def catalog(pdf: bytes) -> dict[str, Any]:
    return dictionary(reader(pdf).trailer["/Root"])


def embedded_xml(pdf: bytes) -> bytes:
    """The Factur-X XML embedded in the PDF (it must be named ``factur-x.xml``)."""
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert isinstance(xml, bytes)
    return xml


def check_en16931(xml: bytes) -> etree._Element:
    """The XML passes the Factur-X EN 16931 schema and says it is that level; its root."""
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert facturx.get_level(root) == "en16931"
    return root


def xpath_text(root: etree._Element, path: str) -> str:
    [value] = root.xpath(path, namespaces=NS)
    return str(value.text if isinstance(value, etree._Element) else value)


def totals(root: etree._Element) -> tuple[str, str, str]:
    """BT-1 (number), BT-110 (tax total) and BT-112 (grand total)."""
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    return (
        xpath_text(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID"),
        xpath_text(root, f"{summation}/ram:TaxTotalAmount"),
        xpath_text(root, f"{summation}/ram:GrandTotalAmount"),
    )
