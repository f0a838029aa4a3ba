"""Reading a document the way its receivers do: the PDF rendered to a picture and its QR codes
decoded, its text extracted, its embedded XML taken out and checked against the Factur-X schema."""

from __future__ import annotations

import io

import facturx
import pypdfium2
import zxingcpp
from lxml import etree
from pypdf import PdfReader

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def qr_payloads(pdf: bytes, *, scale: float = 300 / 72) -> list[list[str]]:
    """The text of every QR code on every page (rendered at 300 dpi), each as its lines."""
    document = pypdfium2.PdfDocument(pdf)
    found: list[list[str]] = []
    for page in document:
        image = page.render(scale=scale).to_pil()
        for barcode in zxingcpp.read_barcodes(image):
            if barcode.format == zxingcpp.BarcodeFormat.QRCode:
                found.append(barcode.text.replace("\r\n", "\n").split("\n"))
    return found


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text_of(pdf: bytes) -> str:
    """All the text of the PDF, pages joined, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


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
