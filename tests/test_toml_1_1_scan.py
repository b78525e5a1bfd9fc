"""W108's scan: a file is parsed a second time, by a TOML 1.0 reader, only when it may need to be.

The scan may say "maybe" of a file that TOML 1.0 reads (the reader then finds nothing), never
"no" of a file that TOML 1.0 rejects: that would lose a W108.
"""

from __future__ import annotations

import random
import sys

import pytest
import tomli

from conftest import SCENARIOS
from exercise.engine.lint import may_use_toml_1_1

pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="no TOML 1.0 reader (tomllib) to compare with")

TOML_1_1 = [
    'effects = { tension = -10,\n  set = ["declared"] }\n',  # a newline in an inline table
    "effects = { tension = -10, }\n",  # a trailing comma
    "effects = { tension = -10 # why\n}\n",  # a comment
    "a = { b = { c = 1 },\n d = 2 }\n",  # the outer table over lines, the inner on one
    'a = { b = "}",\n c = 2 }\n',  # a brace in a string on the line that does not close
    'text = "\\e[1m"\n',  # the escape \e
    'text = "caf\\xe9"\n',  # \xHH
    "at = 07:32\n",  # a time without seconds
    "at = 1979-05-27T07:32Z\n",
]

TOML_1_0 = [
    'effects = { tension = -10, set = ["declared"] }\n',
    'text = "a { b, } c: 10:30"\n',  # braces, commas and colons in strings are text
    "text = 'a { b'\n# a { comment, }\n",
    'text = """\nmany { lines\n"""\n',
    'text = """ends in quotes"""""\nnext = { a = 1 }\n',
    "text = '''ends in quotes'''''\nnext = { a = 1 }\n",
    'text = "\\\\"\nnext = { a = 1 }\n',  # an escaped backslash ends the string
    "a = { b = { c = { d = [1, 2] } } }\n",
    "a = [\n  { b = 1 },\n  { c = 2 },\n]\n",  # arrays may span lines and end in a comma
]


@pytest.mark.parametrize("text", TOML_1_1)
def test_a_form_only_toml_1_1_allows_is_scanned_as_maybe(text):
    import tomllib

    tomli.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert may_use_toml_1_1(text)


@pytest.mark.parametrize("text", TOML_1_0)
def test_toml_1_0_is_not_parsed_again(text):
    import tomllib

    tomllib.loads(text)
    assert not may_use_toml_1_1(text)


def test_the_bundled_scenarios_are_not_parsed_again():
    for path in SCENARIOS.glob("*.toml"):
        assert not may_use_toml_1_1(path.read_text(encoding="utf-8")), path


def test_no_file_that_toml_1_0_rejects_is_scanned_as_toml_1_0():
    """Random insertions into a bundled scenario: whatever tomli reads, either the scan says
    "maybe" or tomllib reads it too."""
    import tomllib

    pieces = ["\n", ",", " ", "{", "}", "# c\n", "\\e", "\\x41", "10:30", "10:30:00", "1979-05-27T07:32", '"', "'",
              '"""', "'''", "[", "]", "=", "x = { a = 1,\n b = 2 }\n", "x = { a = 1, }\n", "x = { # c\n a = 1 }\n",
              'x = "\\e"\n', "x = 07:32\n", "y = { a = [\n1,\n2] }\n", 'z = """a"b""c"""""\n', "w = '''a''b'''''\n"]
    base = (SCENARIOS / "tutorial.toml").read_text(encoding="utf-8")
    breaks = [i + 1 for i, c in enumerate(base) if c in "\n{,"]
    rng = random.Random(14)
    read = 0
    for _ in range(3000):
        text = base
        for _ in range(rng.randint(1, 3)):
            at = rng.choice(breaks) if rng.random() < 0.7 else rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at:]
        try:
            tomli.loads(text)
        except tomli.TOMLDecodeError:
            continue
        read += 1
        if not may_use_toml_1_1(text):
            tomllib.loads(text)
    assert read > 300
