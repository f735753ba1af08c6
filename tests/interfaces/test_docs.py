"""The docs run: every Python block of the README and every example of every `--help`.

Conventions (the README says them too):
- Python: a comment after a bare expression begins with that expression's value exactly as
  Python prints it (`repr`), then may go on with an explanation after a space, comma, colon or
  semicolon. Comments after anything else (assignments, imports) are prose.
- Commands (README `sh` blocks and the `Examples:` of each `--help`): each line that starts with
  `calcml` runs through click's runner in a fresh directory (holding small `y.csv`, `s.csv` and
  `data.csv` for `calcml auc`, and receiving any `--plot` file); it must exit 0, or N when its
  comment starts with `exit N:`. The rest of the comment is text the output must contain.
"""

from __future__ import annotations

import ast
import io
import re
import shlex
import tokenize
from pathlib import Path

import pytest
from click.testing import CliRunner

from calcml.interfaces.cli import main
from calcml.interfaces.commands import COMMANDS

README = Path(__file__).resolve().parents[2] / "README.md"
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
_AFTER_VALUE = ("", " ", ",", ":", ";")


def _blocks(language: str) -> list[str]:
    return [m.group(2) for m in _FENCE.finditer(README.read_text()) if m.group(1) == language]


def _trailing_comments(code: str) -> dict[int, str]:
    """line number -> the comment that ends that line (not whole-line comments)."""
    comments: dict[int, str] = {}
    code_lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string[1:].strip()
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):  # fmt: skip
            code_lines.add(tok.start[0])
    return {line: text for line, text in comments.items() if line in code_lines}


def _shows(comment: str, value: object) -> bool:
    shown = repr(value)
    return comment.startswith(shown) and comment[len(shown):len(shown) + 1] in _AFTER_VALUE


def _run_python(code: str) -> tuple[int, list[str]]:
    """Run a block statement by statement; (values checked, mismatches)."""
    comments = _trailing_comments(code)
    namespace: dict[str, object] = {"__name__": "readme"}
    checked, wrong = 0, []
    for stmt in ast.parse(code).body:
        comment = comments.get(stmt.end_lineno or stmt.lineno)
        if isinstance(stmt, ast.Expr) and comment is not None:
            value = eval(compile(ast.Expression(stmt.value), "README.md", "eval"), namespace)
            checked += 1
            if not _shows(comment, value):
                wrong.append(f"line {stmt.lineno}: shows {comment!r}, is {value!r}")
        else:
            exec(compile(ast.Module([stmt], []), "README.md", "exec"), namespace)
    return checked, wrong


def test_readme_python_blocks_show_what_they_compute() -> None:
    blocks = _blocks("python")
    assert blocks, "the README has no Python block"
    total = 0
    for code in blocks:
        checked, wrong = _run_python(code)
        total += checked
        assert not wrong, "\n".join(wrong)
    assert total >= 10  # the convention is used, not just stated


def test_the_convention_catches_drift() -> None:
    assert _run_python("1 + 1  # 2, as ever")[1] == []
    assert _run_python("1 + 1  # 3")[1]
    assert _run_python("'a' * 2  # 'aa': doubled")[1] == []
    assert _run_python("12  # 123")[1]  # a prefix of another number is not the value
    assert _run_python("x = 5  # prose after an assignment")[1] == []


# --- commands ------------------------------------------------------------------------------


def _split(line: str) -> tuple[list[str], int, str]:
    """A documented command line -> (arguments after `calcml`, exit code, expected text)."""
    command, _, comment = line.partition(" #")
    comment = comment.strip()
    code = 0
    if m := re.match(r"exit (\d+):\s*", comment):
        code, comment = int(m.group(1)), comment[m.end():]
    args = shlex.split(command)
    assert args[0] == "calcml", line
    return args[1:], code, comment


def _command_lines(text: str) -> list[str]:
    """The lines starting with `calcml`, each joined with its `\\` continuations."""
    text = re.sub(r"\\\n\s*", " ", text)
    return [s.strip() for s in text.splitlines() if s.strip().startswith("calcml ")]


def _help_examples() -> list[str]:
    lines = []
    for name in [None, *sorted(COMMANDS)]:
        out = CliRunner().invoke(main, [name, "--help"] if name else ["--help"]).output
        lines += _command_lines(out)
    return lines


def _readme_commands() -> list[str]:
    return [line for block in _blocks("sh") for line in _command_lines(block)]


HELP = _help_examples()
DOCUMENTED = sorted(set(HELP) | set(_readme_commands()))


def test_every_command_has_examples() -> None:
    documented = {shlex.split(line)[1] for line in HELP}
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("line", DOCUMENTED)
def test_documented_command_runs_and_shows_its_comment(line: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "y.csv").write_text("1\n0\n1\n0\n1\n")
    (tmp_path / "s.csv").write_text("0.9\n0.2\n0.6\n0.4\n0.3\n")
    (tmp_path / "data.csv").write_text("y,p\n1,0.9\n0,0.2\n1,0.6\n0,0.4\n1,0.3\n")
    args, code, expected = _split(line)
    started: list[dict] = []
    if args[0] == "serve":  # a server runs until Ctrl-C: record what it would start instead
        import uvicorn

        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
        monkeypatch.setattr("webbrowser.open", lambda url: True)
    result = CliRunner().invoke(main, args)
    if args[0] == "serve":
        assert started and started[0]["host"] == "127.0.0.1", line
    assert result.exit_code == code, f"{line}\n{result.output}"
    assert expected in result.output, f"{line}\n{result.output}"
    assert "Traceback" not in result.output
    if "--plot" in args:
        png = tmp_path / args[args.index("--plot") + 1]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
