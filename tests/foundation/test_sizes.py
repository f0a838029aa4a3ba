"""Small pieces (issue 12): no file in ``src/`` over 300 lines, no function over 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import partnerbilling

SRC = Path(partnerbilling.__file__).parent
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60
SOURCES = sorted(SRC.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(SRC)) if path.is_relative_to(SRC) else str(path)


def _too_long_files(paths: list[Path]) -> list[str]:
    sizes = {path: len(path.read_text().splitlines()) for path in paths}
    return [f"{_name(path)}: {n} lines" for path, n in sizes.items() if n > MAX_FILE_LINES]


def _too_long_functions(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{_name(path)}:{node.lineno} {node.name}: {lines} lines")
    return found


def test_the_sources_are_read() -> None:
    assert SRC / "app.py" in SOURCES
    assert SRC / "billing" / "charge.py" in SOURCES


def test_no_file_in_src_is_over_300_lines() -> None:
    assert _too_long_files(SOURCES) == []


def test_no_function_in_src_is_over_60_lines() -> None:
    assert _too_long_functions(SOURCES) == []


def test_the_checks_catch_a_long_file_and_a_long_function(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(60))
    long_function = tmp_path / "long_function.py"
    long_function.write_text(f"async def f() -> None:\n{body}")
    long_file = tmp_path / "long_file.py"
    long_file.write_text("x = 1\n" * 301)
    short = tmp_path / "short.py"
    short.write_text(f"def g() -> None:\n{body[: body.rindex('    x59')]}")
    assert _too_long_functions([short, long_file]) == []
    assert len(_too_long_functions([long_function])) == 1
    assert _too_long_files([long_function, short]) == []
    assert len(_too_long_files([long_file])) == 1
