"""The architecture holds: the engine loads without Textual, and the layers contract passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_the_engine_imports_without_textual_or_rich():
    code = (
        "import sys, exercise.engine, exercise.bots, exercise.session\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "" == result.stdout.strip()


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    command = [str(lint)] if lint.exists() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert 0 == result.returncode, result.stdout + result.stderr


def test_no_module_level_random_in_the_engine():
    for path in (ROOT / "exercise" / "engine").glob("*.py"):
        text = path.read_text()
        assert "random.random(" not in text and "random.choice(" not in text, path


def _shell_modules():
    for path in sorted((ROOT / "exercise").rglob("*.py")):
        if path.name == "render.py" or "engine" in path.parts:
            continue
        yield path


def test_no_module_but_the_renderer_reads_words_back_from_events():
    """Meaning travels as data: an event carries no prose, and no shell parses causes or sentences.

    Checked on the source: outside exercise/render.py nothing reads an event's text or detail,
    splits a cause string, or searches for a phrase the renderer writes.
    """
    import ast

    phrases = ("not carried out", "carried out together", "because ", "undisclosed development")
    offences = []
    for path in _shell_modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("text", "detail", "title"):
                if isinstance(node.value, ast.Name) and node.value.id in ("e", "event", "ev", "ending"):
                    offences.append(f"{path.name}:{node.lineno}: reads {node.value.id}.{node.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "partition", "split", "removeprefix", "startswith") and "cause" in ast.unparse(node.func.value):
                offences.append(f"{path.name}:{node.lineno}: parses a cause: {ast.unparse(node)}")
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                left = node.left
                if isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value.strip() and any(
                        p.strip() in left.value for p in phrases):
                    offences.append(f"{path.name}:{node.lineno}: searches words: {ast.unparse(node)}")
    assert [] == offences


def test_one_loop_plays_computer_turns():
    """Each thing said once: only exercise/play.py hands a computer player its observation."""
    callers = [p.relative_to(ROOT).as_posix() for p in _shell_modules()
               if "bot_rng(" in p.read_text() and p.name not in ("play.py",) and "bots" not in p.parts]
    assert [] == callers
