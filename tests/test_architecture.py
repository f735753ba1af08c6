"""The house rules that no linter of names checks: private names stay in their file, and the
import contracts in pyproject.toml really catch a reverse import.

Import Linter (run by `make test`) checks imports between modules: the layers between packages,
the order inside `core` and `autodiff`, no cycles among siblings anywhere, private modules used
only inside their package. It does not look at the names a module imports, so the first test
walks every `from … import …` itself: a `_name` defined in one file is never imported by another.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _package_of(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1])


def _is_module(dotted: str) -> bool:
    base = SRC.joinpath(*dotted.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imported_targets(path: Path) -> list[tuple[int, str, str]]:
    """(line, module, name) for each `from calcml… import name` in the file."""
    package = _package_of(path)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        if module.split(".")[0] == "calcml":
            out.extend((node.lineno, module, alias.name) for alias in node.names)
    return out


def private_name_imports() -> list[str]:
    """Every import of a private attribute (not a module) from another calcml module."""
    found = []
    for path in sorted((SRC / "calcml").rglob("*.py")):
        for line, module, name in _imported_targets(path):
            if _is_private(name) and not _is_module(f"{module}.{name}"):
                found.append(f"{path.relative_to(SRC)}:{line}: from {module} import {name}")
    return found


def test_no_private_name_crosses_a_file_boundary():
    assert private_name_imports() == []


def test_the_private_name_check_sees_a_planted_import(tmp_path, monkeypatch):
    planted = SRC / "calcml" / "core" / "errors.py"
    assert "from calcml.core.limits import _" not in planted.read_text(encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path)
    copy = tmp_path / "calcml" / "core"
    copy.mkdir(parents=True)
    (copy / "__init__.py").write_text("")
    (copy / "limits.py").write_text("_SECRET = 1\n")
    (copy / "errors.py").write_text("from calcml.core.limits import _SECRET\n")
    found = private_name_imports()
    assert found == ["calcml/core/errors.py:1: from calcml.core.limits import _SECRET"]


def _lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    """Run Import Linter's contracts over the package found first on `source_root`."""
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.skip("Import Linter is not installed (it comes with the test extra)")
    env = {"PYTHONPATH": str(source_root), "PATH": str(exe.parent), "LANG": "C.UTF-8",
           "COLUMNS": "250"}  # one line per contract in the report
    command = [str(exe), "--no-cache", "--config", str(ROOT / "pyproject.toml")]
    return subprocess.run(command, cwd=source_root, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/errors.py", "import calcml.interfaces.cli\n", "Packages are layered"),
        ("core/nodes.py", "import calcml.core.printing\n", "core"),
        ("autodiff/tensor.py", "import calcml.autodiff.engine\n", "autodiff"),
    ],
)
def test_a_planted_reverse_import_breaks_the_contracts(tmp_path, module, line, contract):
    """The contracts are not vacuous: one reverse import in a copy of the package fails them."""
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(SRC / "calcml", tmp_path / "calcml", ignore=skip)
    target = tmp_path / "calcml" / module
    target.write_text(target.read_text(encoding="utf-8") + line, encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = [s for s in result.stdout.splitlines() if "BROKEN" in s]
    assert any(contract in s for s in broken), result.stdout
