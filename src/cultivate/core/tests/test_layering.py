"""`core` is the ground every app stands on: it imports none of them (issue 15). Apps reach it
through registrations (clock jobs, purgers, token owners), never the other way round."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1]
PROJECT_MODULES_CORE_MAY_USE = {"cultivate.core", "cultivate.settings"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_core_imports_no_domain_app():
    offending = {}
    for path in CORE.rglob("*.py"):
        if "tests" in path.relative_to(CORE).parts or "migrations" in path.parts:
            continue
        wrong = {module for module in imported_modules(path)
                 if module.startswith("cultivate.")
                 and not any(module == allowed or module.startswith(allowed + ".")
                             for allowed in PROJECT_MODULES_CORE_MAY_USE)}
        if wrong:
            offending[str(path.relative_to(CORE))] = sorted(wrong)
    assert offending == {}


def test_the_demo_and_the_serving_command_live_above_the_apps():
    assert not (CORE / "demo_data.py").exists()
    assert not (CORE / "management" / "commands" / "run.py").exists()
    assert not (CORE / "management" / "commands" / "seed_demo.py").exists()
