"""The pure core (bpmn, dmn, el, runtime) must import nothing from Django, Celery or Channels."""

import ast
import importlib
from pathlib import Path

import pytest

import engine

CORE_PACKAGES = ("bpmn", "dmn", "el", "groovy", "runtime")
FORBIDDEN = ("django", "celery", "channels", "rest_framework", "channels_redis")
ENGINE_ROOT = Path(engine.__file__).parent


def _core_modules():
    for package in CORE_PACKAGES:
        yield from sorted((ENGINE_ROOT / package).rglob("*.py"))


def _imported_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield str(node.args[0].value)


@pytest.mark.parametrize(
    "path", list(_core_modules()), ids=lambda p: str(p.relative_to(ENGINE_ROOT))
)
def test_core_module_imports_no_framework(path):
    offending = [
        name for name in _imported_names(path) if name.split(".")[0] in FORBIDDEN
    ]
    assert offending == []


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_package_imports_without_loading_a_framework(package):
    importlib.import_module(f"engine.{package}")
    for path in (ENGINE_ROOT / package).rglob("*.py"):
        module = ".".join(path.relative_to(ENGINE_ROOT.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        imported = importlib.import_module(module)
        assert not any(
            getattr(value, "__module__", "").split(".")[0] in FORBIDDEN
            for value in vars(imported).values()
        )
