"""The architecture's rules, checked on the code itself (docs/architecture.md says them in full).

The floors are import-linter's contract in ``pyproject.toml``; the rest are read from the source's
syntax trees, so that a new module is held to them the day it lands."""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "gridgov"
PYPROJECT = SRC.parent / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _app(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _lint_imports(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(PYPROJECT), "--no-cache"], cwd=src.parent,
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)


def test_the_floors_hold():
    result = _lint_imports(SRC)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_up_the_floors_is_refused(tmp_path):
    """The contract is not vacuous: the case engine importing a feeder (intake) breaks it."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "gridgov", ignore=shutil.ignore_patterns("static", "locale", "templates", "*.pyc"))
    (copy / "gridgov" / "cases" / "upward.py").write_text("from gridgov.intake import duplicates  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "gridgov.cases.upward -> gridgov.intake.duplicates" in result.stdout


def test_no_app_imports_another_apps_private_names():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("gridgov."):
                continue
            target = node.module.split(".")[1]
            if target == _app(path):
                continue
            private = [alias.name for alias in node.names if alias.name.startswith("_")]
            private += [part for part in node.module.split(".") if part.startswith("_")]
            if private:
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.module} {private}")
    assert not found, found


@pytest.mark.parametrize("name", ["Http404", "HttpResponse", "HttpResponseBadRequest", "HttpResponseForbidden",
                                  "HttpError"])
def test_no_service_raises_an_http_error(name):
    """Services raise domain errors (core/errors.py, ValidationError, PermissionDenied); only views and
    the API translate them into HTTP answers."""
    found = []
    for path, tree in _modules():
        rel = path.relative_to(PACKAGE)
        if "services" not in rel.parts and not rel.name.startswith("services") and rel.name != "scope.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == name or isinstance(node, ast.Attribute) and node.attr == name:
                found.append(f"{rel}:{node.lineno}")
    assert not found, found


#: Where each kind of group may be written: role groups in one module, case and assignment state
#: groups beside their enums and in the action registry (each action's "from which states").
GROUP_HOMES = {
    "Role": {"accounts/roles.py"},
    "Status": {"cases/models.py", "cases/actions.py"},
    "AssignmentStatus": {"cases/models.py", "cases/actions.py"},
}


def _group_literals(tree):
    """Set, list and tuple literals of two or more members of one enum (``{Role.A, Role.B}``)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and len(node.elts) >= 2:
            owners = {elt.value.id for elt in node.elts
                      if isinstance(elt, ast.Attribute) and isinstance(elt.value, ast.Name)}
            if len(owners) == 1 and all(isinstance(elt, ast.Attribute) for elt in node.elts):
                yield owners.pop(), node


@pytest.mark.parametrize("enum", sorted(GROUP_HOMES))
def test_every_role_and_state_group_is_written_once(enum):
    found = []
    for path, tree in _modules():
        rel = str(path.relative_to(PACKAGE))
        for owner, node in _group_literals(tree):
            if owner == enum and rel not in GROUP_HOMES[enum]:
                found.append(f"{rel}:{node.lineno}")
    assert not found, f"{enum} groups written outside {GROUP_HOMES[enum]}: {found}"
