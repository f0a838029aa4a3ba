"""Every module of the pure layers imports on its own, first: scripts and benchmarks import
``billing`` and ``visibility`` modules directly, and an import cycle between the two (a planner
rendering its events with the views, a view typed with a plan) only shows when the cycle is
entered from its other end."""

from __future__ import annotations

import subprocess
import sys

import partnerbilling

PROBE = """
import importlib, pkgutil, sys
import partnerbilling
failed = []
for info in sorted(pkgutil.walk_packages(partnerbilling.__path__, "partnerbilling."), key=lambda m: m.name):
    if not info.name.startswith(("partnerbilling.billing", "partnerbilling.visibility")):
        continue
    for name in [n for n in sys.modules if n.startswith("partnerbilling.")]:
        del sys.modules[name]
    try:
        importlib.import_module(info.name)
    except ImportError as exc:
        failed.append(f"{info.name}: {exc}")
print("\\n".join(failed))
"""


def test_each_billing_and_visibility_module_imports_first() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert probe.stdout.strip() == "", probe.stdout
    assert partnerbilling.__path__  # the probe walked the installed package
