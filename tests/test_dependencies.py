"""What the code imports is declared; the lock files pin it; the image and CI install from them."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match is not None, requirement
    return _canonical(match.group(1))


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]  # type: ignore[no-any-return]


def _declared(*extras: str) -> set[str]:
    project = _project()
    requirements = list(project["dependencies"])  # type: ignore[call-overload]
    optional = project["optional-dependencies"]
    for extra in extras:
        requirements += optional[extra]  # type: ignore[index]
    return {_requirement_name(requirement) for requirement in requirements}


def _imported_top_level() -> set[str]:
    names: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}


def _lock(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text("utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[_canonical(match.group(1))] = match.group(2)
    return pins


class TestDeclared:
    def test_every_imported_distribution_is_a_declared_dependency(self) -> None:
        declared = _declared("postgres")
        distributions = importlib.metadata.packages_distributions()
        missing = []
        for module in sorted(_imported_top_level()):
            owners = {_canonical(d) for d in distributions.get(module, [module])}
            if not owners & declared:
                missing.append(f"{module} ({', '.join(sorted(owners))})")
        assert missing == []

    def test_the_html_cleaner_that_justext_imports_is_declared(self) -> None:
        # lxml >= 5.2 moved lxml.html.clean out; older pip misses lxml's html_clean extra.
        assert "lxml-html-clean" in _declared()


class TestLocks:
    def test_the_runtime_lock_pins_every_dependency_with_hashes(self) -> None:
        pins = _lock("requirements.lock")
        assert _declared() <= set(pins)
        text = (ROOT / "requirements.lock").read_text("utf-8")
        assert "--hash=sha256:" in text
        assert not any(name in pins for name in ("pytest", "mypy", "ruff"))

    def test_the_dev_lock_pins_the_same_versions_plus_the_tools(self) -> None:
        runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
        assert _declared("dev") <= set(dev)
        assert {name: dev[name] for name in runtime} == runtime

    def test_the_image_ci_and_make_install_from_the_locks(self) -> None:
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text("utf-8")
        assert "requirements.lock" in dockerfile
        assert "--require-hashes" in dockerfile
        makefile = (ROOT / "Makefile").read_text("utf-8")
        assert "requirements-dev.lock" in makefile
        assert "--no-deps" in makefile
