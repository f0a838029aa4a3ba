"""``GET /v1/invoices/{id}/pdf`` and ``…/xml`` under load, served as deployed: uvicorn with two
workers, 16 concurrent clients (wrk), 5 s of warm-up, then 20 s measured. The invoice is a
one-line CHF invoice with a Swiss QR-bill (the slowest one-line kind to draw).

    .venv/bin/python bench/documents_http.py [--seconds 20] [--connections 16]

Uses a fresh database ``pb_bench_docs`` on the local PostgreSQL (or the embedded server, as
``bench/run.py`` does), set up through the API."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import drop_database, ensure_wrk, log, migrate, open_database, serve, wrk

ADMIN_TOKEN = "bench-admin-" + uuid.uuid4().hex
ISSUER = {
    "legal_name": "Alpenhost AG",
    "address": {
        "street": "Bahnhofstrasse",
        "building_number": "12",
        "postal_code": "8001",
        "city": "Zürich",
        "country": "CH",
    },
    "vat_id": "CHE-116.281.710 MWST",
    "email": "billing@alpenhost.example",
    "payment_terms_days": 30,
    "bank_accounts": {"CHF": {"iban": "CH4431999123000889012"}},
}
BUYER = {
    "name": "Nordlicht Webdesign",
    "billing_email": "billing@nordlicht.example",
    "currency": "CHF",
    "vat_rate": "0.081",
    "legal_name": "Nordlicht Webdesign GmbH",
    "address": {
        "street": "Marktgasse",
        "building_number": "5",
        "postal_code": "3011",
        "city": "Bern",
        "country": "CH",
    },
    "vat_id": "CHE-109.322.551 MWST",
    "language": "de",
}
PRODUCT = {"name": "Web Hosting Pro", "category": "hosting", "period_months": 12, "prices": {"CHF": "120.00"}}


def set_up(base: str) -> tuple[str, str]:
    """The issuer, a buyer with its profile and key, and one order; the key and the invoice id."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=base, headers=admin, timeout=30) as http:
        http.put("/v1/admin/issuer", json=ISSUER).raise_for_status()
        http.put("/v1/admin/products/web-hosting-pro", json=PRODUCT).raise_for_status()
        org = http.post("/v1/admin/organizations", json=BUYER).raise_for_status().json()
        key = http.post(f"/v1/admin/organizations/{org['id']}/api-keys").raise_for_status().json()["key"]
        order = http.post(
            "/v1/orders",
            json={"customer_id": org["id"], "sku": "web-hosting-pro", "quantity": 1},
            headers={"Authorization": f"Bearer {key}"},
        ).raise_for_status()
    return key, order.json()["invoice_id"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8741)
    args = parser.parse_args()
    ensure_wrk()
    os.environ["PARTNERBILLING_ADMIN_TOKEN"] = ADMIN_TOKEN
    db = open_database("pb_bench_docs")
    try:
        migrate(db)
        with serve("service", db, args.port, pool_size=16, workers=2) as server:
            key, invoice_id = set_up(server.base)
            for kind in ("pdf", "xml"):
                path = f"/v1/invoices/{invoice_id}/{kind}"
                wrk(server, "invoices.lua", [key, path], args.warmup, args.connections)
                result = wrk(
                    server, "invoices.lua", [key, path], args.seconds, args.connections, balanced=True
                )
                latency = result["latency_us"]
                rps = result["requests"] / (result["duration_us"] / 1e6)
                errors = sum(result["errors"].values())
                log(
                    f"GET …/{kind}: {rps:6.1f} req/s, p50 {latency['p50'] / 1000:6.1f} ms, "
                    f"p99 {latency['p99'] / 1000:6.1f} ms ({args.connections} clients, "
                    f"{result['requests']} requests, {errors} errors)"
                )
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
