"""Layering rules, checked on the source with ``ast``: the domain depends on nothing outside."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("domain", "projections", "workers", "api")
STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class Rule:
    """Top-level packages a layer may import (allowed=None: any), and those it may not."""

    allowed: frozenset[str] | None = None
    forbidden: frozenset[str] = frozenset()
    why: str = ""

    def breaks(self, top: str) -> bool:
        if top in self.forbidden:
            return True
        return self.allowed is not None and top not in self.allowed and top not in STDLIB


RULES: dict[str, Rule] = {
    "domain": Rule(
        allowed=frozenset({"eventsourcing", "domain"}),
        why="the domain imports only the standard library, eventsourcing and itself",
    ),
    "projections": Rule(
        forbidden=frozenset({"api", "workers", "fastapi", "celery", "starlette"}),
        why="projections must not depend on the web API or the workers",
    ),
    "workers": Rule(
        forbidden=frozenset({"api", "fastapi", "starlette"}),
        why="workers must not depend on the web API",
    ),
    "api": Rule(),
}


def imports(tree: ast.AST, layer: str) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for every import, relative ones resolved to the layer package."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield node.lineno, ".".join(p for p in (layer, node.module) if p)
            else:
                yield node.lineno, node.module or ""
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in ("import_module", "__import__") and literal:
                yield node.lineno, str(getattr(first, "value", ""))


def violations(source: str, filename: str, layer: str) -> list[str]:
    """Every import in a file that breaks its layer's rule, as 'file:line imports module'."""
    rule = RULES[layer]
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{line} imports {module!r} ({rule.why})"
        for line, module in imports(tree, layer)
        if rule.breaks(module.partition(".")[0])
    ]


def sources(layer: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / layer).rglob("*.py") if "__pycache__" not in p.parts)


def assert_layer_clean(layer: str, root: Path = ROOT) -> None:
    found = [
        problem
        for path in sources(layer, root)
        for problem in violations(
            path.read_text(encoding="utf-8"), path.relative_to(root).as_posix(), layer
        )
    ]
    assert not found, "layering broken:\n" + "\n".join(found)


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_has_sources_that_parse(layer: str) -> None:
    files = sources(layer)
    assert files, f"no Python files found under {layer}/"
    for path in files:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_respects_its_import_rule(layer: str) -> None:
    assert_layer_clean(layer)


def test_domain_really_uses_eventsourcing_and_the_stdlib() -> None:
    modules = {
        module.partition(".")[0]
        for path in sources("domain")
        for _, module in imports(ast.parse(path.read_text(encoding="utf-8")), "domain")
    }
    assert {"eventsourcing", "domain", "uuid", "__future__"} <= modules


# The detection itself, on synthetic sources --------------------------------------------------

CLEAN_DOMAIN = """
from __future__ import annotations
import json, hashlib
from collections.abc import Iterator
import eventsourcing.domain
from eventsourcing.persistence import Mapper
from domain.errors import InvalidField
from . import reference
from .person import Person
"""


def test_clean_domain_source_passes() -> None:
    assert violations(CLEAN_DOMAIN, "domain/clean.py", "domain") == []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import sqlalchemy", "sqlalchemy"),
        ("from fastapi import Depends", "fastapi"),
        ("from projections.tables import people", "projections.tables"),
        ("import api.deps as deps", "api.deps"),
        ("def f():\n    from celery import Celery\n", "celery"),
        ("import os, psycopg", "psycopg"),
        ("import importlib\nimportlib.import_module('pydantic')", "pydantic"),
        ("if True:\n    import workers.settings", "workers.settings"),
    ],
)
def test_domain_violation_names_file_and_import(source: str, module: str) -> None:
    (problem,) = violations(source, "domain/bad.py", "domain")
    assert problem.startswith("domain/bad.py:")
    assert repr(module) in problem
    assert "standard library" in problem


def test_violation_reports_the_line_number() -> None:
    source = "import json\n\nimport requests\n"
    assert violations(source, "domain/x.py", "domain") == [
        "domain/x.py:3 imports 'requests' "
        "(the domain imports only the standard library, eventsourcing and itself)"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from api.deps import get_app",
        "import workers.runtime",
        "import fastapi",
        "from starlette.requests import Request",
        "from celery import shared_task",
    ],
)
def test_projections_must_not_import_api_or_workers(source: str) -> None:
    (problem,) = violations(source, "projections/bad.py", "projections")
    assert problem.startswith("projections/bad.py:1 imports ")
    assert "web API or the workers" in problem


def test_projections_may_import_domain_and_sqlalchemy() -> None:
    source = "import sqlalchemy\nfrom domain.person import Person\nfrom .tables import people"
    assert violations(source, "projections/ok.py", "projections") == []


@pytest.mark.parametrize("source", ["from api.main import app", "import fastapi.routing"])
def test_workers_must_not_import_api(source: str) -> None:
    (problem,) = violations(source, "workers/bad.py", "workers")
    assert problem.startswith("workers/bad.py:1 imports ")


def test_workers_may_import_celery_projections_and_domain() -> None:
    source = "from celery import Celery\nimport projections.db\nfrom domain import application"
    assert violations(source, "workers/ok.py", "workers") == []


def test_layer_check_fails_naming_file_and_import(tmp_path: Path) -> None:
    package = tmp_path / "projections" / "sub"
    package.mkdir(parents=True)
    (package / "ok.py").write_text("from domain.person import Person\n", encoding="utf-8")
    (package / "bad.py").write_text("import json\nimport fastapi\n", encoding="utf-8")
    with pytest.raises(AssertionError) as info:
        assert_layer_clean("projections", tmp_path)
    message = str(info.value)
    assert "projections/sub/bad.py:2 imports 'fastapi'" in message
    assert "ok.py" not in message
