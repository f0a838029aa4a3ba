"""What ``partnerbilling demo`` prints: the worked examples as charged, and commands to try them
on the service at an address (found, or told how to start)."""

from __future__ import annotations

import httpx

from partnerbilling.billing.money import format_money
from partnerbilling.demo import CUSTOMER, PARTNER, Demo


def base_url(host: str, port: int) -> str:
    """The address to call a service bound to ``host:port`` on (a wildcard bind on loopback)."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def service_answers(url: str) -> bool:
    """Whether something answers ``GET /healthz`` with a 2xx at that address, within a second."""
    try:
        return httpx.get(f"{url}/healthz", timeout=1.0, trust_env=False).is_success
    except (httpx.HTTPError, httpx.InvalidURL):
        return False


_HEADER = ("case", "mode", "ordered by", "order", "payer", "invoice", "P", "discount", "net", "tax", "total")


def _table(demo: Demo) -> list[str]:
    """The summary: one row per example, text left-aligned and amounts right-aligned."""
    rows = [[*_HEADER, "cashback"]]
    for o in demo.outcomes:
        c = o.case
        amounts = (o.public_amount, o.discount, o.net_amount, o.tax, o.total)
        by = str(PARTNER["name"] if c.by_partner else CUSTOMER["name"])
        rows.append([c.name, c.billing_mode, by, f"{c.quantity} × {c.sku}", o.payer, o.invoice_number])
        rows[-1] += [format_money(a) for a in amounts] + [
            "—" if o.cashback is None else format_money(o.cashback)
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            v.ljust(w) if i < 6 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def describe(demo: Demo, url: str, answering: bool) -> str:
    """The examples as charged, and curl commands to try them on the service at ``url``."""
    case = {o.case.name: o for o in demo.outcomes}
    placed = ", ".join(o.case.name for o in demo.outcomes if o.placed_now)
    cashback = " + ".join(format_money(o.cashback) for o in demo.outcomes if o.cashback is not None)
    other = "customer" if demo.billing_mode == "partner" else "partner"
    again = f"Acme pays {case['A'].total}, WebAgency earns {case['A'].cashback}"
    if other == "partner":
        again = f"WebAgency pays {case['B'].total}"
    acme, agency = '-H "Authorization: Bearer $ACME"', '-H "Authorization: Bearer $WEBAGENCY"'
    post = "-H 'Content-Type: application/json' \\\n       -d"
    order = f'{{"customer_id": "{demo.customer_id}", "sku": "web-hosting-pro", "quantity": 1}}'
    status = f"The service answers at {url}."
    if not answering:
        status = (
            f"Nothing answers at {url} yet: start the service in another terminal with `make serve`\n"
            "(`make serve PORT=8080` for another port), and give this command the same --port (or PORT)."
        )
    return f"""\
The worked examples of who pays: tier gold (hosting 0.20, domain 0.05), web-hosting-pro
CHF 120.00, domain-ch CHF 13.45; Acme and WebAgency bill in CHF with VAT 0.081; full access.

  Acme (customer)       id {demo.customer_id}  key {demo.customer_key}
  WebAgency (partner)   id {demo.partner_id}  key {demo.partner_key}
  Partnership           id {demo.partnership_id}  billing mode now: {demo.billing_mode}

In the order they were placed (the billing mode changed once, between C and D):

{chr(10).join(_table(demo))}

{f"Placed by this run: {placed}." if placed else "All four were there already: nothing was charged again."}
Keys are stored only as hashes, so each run issues new ones; the earlier ones no longer work.

{status}

Try it, in a second terminal while `make serve` keeps the first:

  export ACME={demo.customer_key} WEBAGENCY={demo.partner_key}
  # WebAgency's invoices: cases B and D, which it pays
  curl -s {url}/v1/invoices {agency}
  # Acme's invoices: cases A and C
  curl -s {url}/v1/invoices {acme}
  # WebAgency's cashback balance, pending until the invoices are paid (the examples': {cashback})
  curl -s {url}/v1/cashback/balance {agency}
  # Case B's invoice as WebAgency receives it: a PDF/A-3 (in French, its language) ending with a
  # Swiss QR-bill, and the same document as EN 16931 XML (also embedded in the PDF)
  curl -s {url}/v1/invoices/{case["B"].invoice_id}/pdf {agency} -o {case["B"].invoice_number}.pdf
  curl -s {url}/v1/invoices/{case["B"].invoice_id}/xml {agency}
  # Case B's order as Acme sees it: Acme does not pay it, so discount, net_amount, invoice_id are null
  curl -s {url}/v1/orders/{case["B"].order_id} {acme}
  # Billing mode {other}, and the same order again: {again}
  curl -s -X PATCH {url}/v1/partnerships/{demo.partnership_id} {acme} {post} '{{"billing_mode": "{other}"}}'
  curl -s -X POST {url}/v1/orders {agency} {post} '{order}'
"""
