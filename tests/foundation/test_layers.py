"""Layers point one way (issue 12): HTTP only in the web layer, services do not reach into
another domain's service, and the ASGI middleware module is the application's alone. Read from
the imports of ``src/`` (every import, those under ``TYPE_CHECKING`` included)."""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path

import partnerbilling

SRC = Path(partnerbilling.__file__).parent
WEB_FRAMEWORKS = ("fastapi", "starlette", "fastapi_offline")
# The web layer: the only modules that may know of FastAPI and Starlette.
WEB_LAYER = (
    "partnerbilling.app",
    "partnerbilling.cli",
    "partnerbilling.ops",
    "partnerbilling.openapi*",
    "partnerbilling.routers",
    "partnerbilling.unit_of_work",
    "partnerbilling.web_*",
    "partnerbilling.*.router",
    "partnerbilling.*.*_router",
)
# Services that still call another domain's service, each to be removed by the slice of issue 12
# that rewrites it (events named once: recording events; the charge planner: orders, invoices,
# renewals). The list may only shrink: a new such import fails, and so does a stale entry.
KNOWN_SERVICE_TO_SERVICE = {
    ("partnerbilling.accounts.service", "partnerbilling.events.service"),
    ("partnerbilling.invoices.service", "partnerbilling.accounts.service"),
    ("partnerbilling.invoices.service", "partnerbilling.events.service"),
    # The monthly close issues its invoices through the one issuing path.
    ("partnerbilling.invoicing.service", "partnerbilling.invoices.service"),
    ("partnerbilling.orders.service", "partnerbilling.invoices.service"),
    ("partnerbilling.orders.service", "partnerbilling.payments.service"),
    ("partnerbilling.partnerships.service", "partnerbilling.events.service"),
    ("partnerbilling.payments.service", "partnerbilling.accounts.service"),
    ("partnerbilling.payments.service", "partnerbilling.events.service"),
    # A payout moves money through the ledger's one write path (the floor, the account events).
    ("partnerbilling.payouts.service", "partnerbilling.accounts.service"),
    ("partnerbilling.renewals.service", "partnerbilling.orders.service"),
    ("partnerbilling.renewals.service", "partnerbilling.subscriptions.service"),
    ("partnerbilling.subscriptions.service", "partnerbilling.events.service"),
    ("partnerbilling.webhooks.service", "partnerbilling.events.service"),
}


def _module_name(path: Path) -> str:
    parts = ["partnerbilling", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in SRC.rglob("*.py")}


def _imports(module: str) -> set[str]:
    """The modules ``module`` imports; ``from package import module`` names the module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found


IMPORTS = {module: _imports(module) for module in MODULES}


def _domain(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) == 3 else None


def _is_web(module: str) -> bool:
    return any(fnmatch(module, pattern) for pattern in WEB_LAYER)


def test_the_imports_are_read() -> None:
    assert "fastapi" in IMPORTS["partnerbilling.app"]
    assert "partnerbilling.events.service" in IMPORTS["partnerbilling.webhooks.service"]
    assert "partnerbilling.orders.repository" in IMPORTS["partnerbilling.orders.service"]


def test_only_the_web_layer_imports_fastapi_or_starlette() -> None:
    leaks = sorted(
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if not _is_web(module)
        for target in targets
        if target.split(".")[0] in WEB_FRAMEWORKS
    )
    assert leaks == []


def test_a_service_does_not_import_another_domains_service() -> None:
    edges = {
        (module, target)
        for module, targets in IMPORTS.items()
        if module.endswith(".service")
        for target in targets
        if target in MODULES and target.endswith(".service") and _domain(target) != _domain(module)
    }
    assert edges - KNOWN_SERVICE_TO_SERVICE == set(), "a new service-to-service import"
    assert KNOWN_SERVICE_TO_SERVICE - edges == set(), "gone: remove it from the known list"


def test_below_the_services_nothing_imports_another_domains_service() -> None:
    # The demo seeds a database through the services, as the command line does: it is above them.
    below = [
        module
        for module in MODULES
        if not _is_web(module) and not module.endswith(".service") and module != "partnerbilling.demo"
    ]
    leaks = sorted(
        f"{module} imports {target}"
        for module in below
        for target in IMPORTS[module]
        if target.endswith(".service") and _domain(target) != _domain(module)
    )
    assert leaks == []


def test_only_the_application_imports_the_asgi_middleware_module() -> None:
    importers = sorted(module for module, targets in IMPORTS.items() if "partnerbilling.ops" in targets)
    assert set(importers) <= {"partnerbilling.app", "partnerbilling.cli"}, importers


def test_every_view_lives_in_the_visibility_package() -> None:
    """A function that turns a stored object into its JSON is named ``*_view``; all are there."""
    elsewhere = sorted(
        f"{module}.{node.name}"
        for module, path in MODULES.items()
        if not module.startswith("partnerbilling.visibility")
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.endswith("_view")
    )
    assert elsewhere == []
