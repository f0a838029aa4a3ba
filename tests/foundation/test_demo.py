"""``partnerbilling demo``, run as a user would: the four worked examples charged once, to the
cent, and commands that call the service where it really listens."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from tests.documents.reading import qr_payloads, text_of
from tests.foundation.test_cli import _run, empty_database  # noqa: F401  (a fixture, used by name)
from tests.support import connect_plain

# (placed by, payer, sku, quantity) → (invoice total, cashback): the worked examples A–D.
WORKED_EXAMPLES = {
    ("WebAgency", "Acme", "web-hosting-pro", 1): ("129.72", "24.00"),  # A
    ("WebAgency", "WebAgency", "web-hosting-pro", 1): ("103.78", None),  # B
    ("Acme", "Acme", "domain-ch", 3): ("43.62", "2.02"),  # C
    ("Acme", "WebAgency", "domain-ch", 3): ("43.62", "2.02"),  # D
}

# case, payer, P, discount, net, tax, total, cashback
PRINTED = [
    ["A", "Acme", "120.00", "0.00", "120.00", "9.72", "129.72", "24.00"],
    ["C", "Acme", "40.35", "0.00", "40.35", "3.27", "43.62", "2.02"],
    ["D", "WebAgency", "40.35", "0.00", "40.35", "3.27", "43.62", "2.02"],
    ["B", "WebAgency", "120.00", "24.00", "96.00", "7.78", "103.78", "—"],
]

COUNTED = (
    "organizations",
    "reseller_tiers",
    "products",
    "partnerships",
    "partnership_changes",
    "subscriptions",
    "orders",
    "invoices",
    "cashback_entries",
    "outbox_mails",
)


async def _charges(url: str) -> dict[tuple[str, str, str, int], tuple[str, str | None]]:
    conn = await connect_plain(url)
    try:
        rows = await conn.fetch(
            """
            SELECT placer.name AS placed_by, payer.name AS payer, o.sku, o.quantity,
                   i.total::text AS total, c.amount::text AS cashback
            FROM orders o
            JOIN invoices i ON i.id = o.invoice_id
            JOIN organizations placer ON placer.id = o.placed_by_id
            JOIN organizations payer ON payer.id = o.payer_id
            LEFT JOIN cashback_entries c ON c.order_id = o.id
            """
        )
    finally:
        await conn.close()
    charges = {
        (r["placed_by"], r["payer"], r["sku"], r["quantity"]): (r["total"], r["cashback"]) for r in rows
    }
    assert len(charges) == len(rows), "an example was charged twice"
    return charges


async def _counts(url: str) -> dict[str, int]:
    conn = await connect_plain(url)
    try:
        counts = {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in COUNTED}
        counts["live api keys"] = await conn.fetchval(
            "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"
        )
    finally:
        await conn.close()
    return counts


def _table(stdout: str) -> list[list[str]]:
    """The printed summary's rows: case, payer and the amounts."""
    rows = [line.split() for line in stdout.splitlines() if re.match(r"^  [ABCD]  ", line)]
    # case, mode, ordered by, quantity, ×, sku, payer, invoice number, then the six amounts
    return [[row[0], row[6], *row[8:]] for row in rows]


def _commands_call(stdout: str, address: str) -> None:
    """Every printed curl command calls the service at that address, and none the default port."""
    commands = [line for line in stdout.splitlines() if "curl " in line]
    assert len(commands) >= 4
    for command in commands:
        assert f" {address}/v1/" in command, command
    assert ":8000" not in stdout


async def test_the_demo_charges_the_four_worked_examples_once_even_when_run_twice(
    empty_database: str,  # noqa: F811  (the fixture imported above)
) -> None:
    env = {"PARTNERBILLING_DATABASE_URL": empty_database}
    first = _run("demo", "--port", "18731", env=env)
    assert first.returncode == 0, first.stderr
    assert await _charges(empty_database) == WORKED_EXAMPLES
    counts = await _counts(empty_database)
    assert counts["organizations"] == 2
    assert counts["orders"] == counts["invoices"] == 4
    assert counts["live api keys"] == 2

    # The port as `make serve PORT=… HOST=0.0.0.0` is given it; a wildcard bind is called on loopback.
    second = _run("demo", env={**env, "PORT": "18732", "HOST": "0.0.0.0"})
    assert second.returncode == 0, second.stderr
    assert await _charges(empty_database) == WORKED_EXAMPLES
    assert await _counts(empty_database) == counts
    # The same numbers printed by both runs, in the order the examples were placed: the billing
    # mode changes once, and the table ends with case B, WebAgency's 103.78.
    assert _table(first.stdout) == PRINTED
    assert _table(second.stdout) == PRINTED
    # Keys are stored only as hashes: the second run's keys replace the first run's.
    first_keys = set(re.findall(r"pb_[A-Za-z0-9_-]{20,}", first.stdout))
    second_keys = set(re.findall(r"pb_[A-Za-z0-9_-]{20,}", second.stdout))
    assert len(first_keys) == len(second_keys) == 2
    assert not first_keys & second_keys

    _commands_call(first.stdout, "http://127.0.0.1:18731")
    _commands_call(second.stdout, "http://127.0.0.1:18732")
    # Nothing listens there: the demo says so, and how to start the service on that port.
    assert "Nothing answers at http://127.0.0.1:18731 yet" in first.stdout


@pytest.fixture
def healthy_service() -> Iterator[int]:
    """A stand-in for the service that only answers ``GET /healthz``; yields its port."""

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


async def test_the_demo_says_when_the_service_answers_at_the_url_it_is_given(
    empty_database: str,  # noqa: F811  (the fixture imported above)
    healthy_service: int,
) -> None:
    address = f"http://127.0.0.1:{healthy_service}"
    result = _run(
        "demo", "--url", f"{address}/", env={"PARTNERBILLING_DATABASE_URL": empty_database, "PORT": "18733"}
    )
    assert result.returncode == 0, result.stderr
    _commands_call(result.stdout, address)
    assert f"The service answers at {address}." in result.stdout
    assert "Nothing answers" not in result.stdout


def test_a_port_that_is_not_a_number_is_refused_before_anything_is_loaded() -> None:
    result = _run(
        "demo", env={"PORT": "eighty", "PARTNERBILLING_DATABASE_URL": "postgresql+asyncpg://x@127.0.0.1:1/x"}
    )
    assert result.returncode == 2
    assert "--port" in result.stderr


async def test_the_demos_invoices_render_with_a_payment_part(
    empty_database: str,  # noqa: F811  (the fixture imported above)
    settings: Settings,
) -> None:
    """The demo configures an issuer and the organisations' profiles, so the PDF its printed
    command fetches is a document with a Swiss QR-bill from that issuer to that payer."""
    result = _run("demo", env={"PARTNERBILLING_DATABASE_URL": empty_database})
    assert result.returncode == 0, result.stderr
    [command] = [line for line in result.stdout.splitlines() if "/pdf" in line]
    path = re.search(r"https?://[^/\s]+(/v1/invoices/\S+/pdf)", command)
    key = re.search(r"WEBAGENCY=(pb_\S+)", result.stdout)
    assert path is not None and key is not None
    app = create_app(settings.model_copy(update={"database_url": empty_database}))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        response = await http.get(path.group(1), headers={"Authorization": f"Bearer {key.group(1)}"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    [payload] = qr_payloads(response.content)
    assert payload[:4] == ["SPC", "0200", "1", "CH4431999123000889012"]
    assert payload[5] == "Demo Hosting AG" and payload[21] == "WebAgency GmbH"
    assert "Facture" in text_of(response.content)  # WebAgency's language is French
