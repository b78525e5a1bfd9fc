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
