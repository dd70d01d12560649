"""The README's LibreOffice settings bring a CSV with non-ASCII text back cell for cell.

The shipped ``claims.csv`` gets non-ASCII text (an assertion, a hedge), is checked valid, and
goes through the README's ``soffice`` commands verbatim (CSV to ODS with the import settings,
ODS back to CSV with the export settings), run by ``bash`` in an empty folder with its own
``HOME`` (so its own LibreOffice profile), under an English and a German locale. The result
must be valid and every cell equal to the input's. The same commands with the Windows-1252
character set (token 1) instead of UTF-8 (token 76) show the damage the README warns about:
imported as Windows-1252 the text is garbled and ``validate`` cannot tell; exported as
Windows-1252 the characters it lacks become ``?`` and ``validate`` rejects the file.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import iran_russia_claims as irc
from test_readme import blocks

INSTALL = "apt-get install libreoffice-calc-nogui"
ASSERTION = "Tehran–Moscow «ties» — Şahin, Ключ, 伊朗: closer, ‘deeper’ each year."
HEDGE = "вероятно «peut-être»"
#: A SHA-256 in hex can be all digits: a spreadsheet that reads it as a number rewrites it.
DIGITS_HASH = ("0123456789" * 7)[:64]
UTF8_IMPORT = "CSV:44,34,76,"
UTF8_EXPORT = "StarCalc):44,34,76,"
LOCALES = ("C.UTF-8", "de_DE.UTF-8")


def readme_commands() -> str:
    found = [body for _, body, _ in blocks("sh") if "soffice" in body]
    assert len(found) == 1, "the README should have one block of soffice commands"
    block = found[0]
    assert UTF8_IMPORT in block, block
    assert UTF8_EXPORT in block, block
    return block


def _soffice() -> None:
    if shutil.which("soffice") is None:
        pytest.skip(f"LibreOffice is not installed: {INSTALL}")


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def non_ascii_claims(folder: Path) -> tuple[Path, list[list[str]]]:
    """The shipped claims with non-ASCII text in an assertion and in a hedge, and a hash made
    of digits only, checked valid (the hashes are not checked against the article here)."""
    table = rows(irc.files()["claims.csv"])
    header = table[0]
    assertion, hedges = header.index("assertion"), header.index("hedges")
    table[1][assertion] = ASSERTION
    table[2][header.index("span_sha256")] = DIGITS_HASH
    hedged = next(row for row in table[1:] if json.loads(row[hedges]))
    hedged[hedges] = json.dumps([HEDGE, *json.loads(hedged[hedges])[1:]], ensure_ascii=False)
    path = folder / "claims.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)
    report = irc.validate(path)
    assert report.valid, report.render()
    return path, table


def run_commands(
    tmp_path: Path, commands: str, locale: str = "C.UTF-8"
) -> tuple[Path, list[list[str]]]:
    """Run ``commands`` on the non-ASCII claims; the file they wrote and the input's rows."""
    _soffice()
    work = tmp_path / "work"
    work.mkdir()
    _, table = non_ascii_claims(work)
    env = {**os.environ, "HOME": str(tmp_path / "home"), "LANG": locale, "LC_ALL": locale}
    result = subprocess.run(
        ["bash", "-e", "-c", commands],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    out = work / "edited" / "claims.csv"
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.is_file(), result.stdout + result.stderr
    return out, table


@pytest.mark.parametrize("locale", LOCALES)
def test_the_readme_settings_keep_every_cell(tmp_path: Path, locale: str) -> None:
    out, table = run_commands(tmp_path, readme_commands(), locale)
    report = irc.validate(out)
    assert report.valid, report.render()
    assert rows(out) == table
    assert ASSERTION in out.read_text(encoding="utf-8")


def test_a_windows_1252_import_garbles_what_validate_accepts(tmp_path: Path) -> None:
    commands = readme_commands().replace(UTF8_IMPORT, "CSV:44,34,1,")
    out, table = run_commands(tmp_path, commands)
    back = rows(out)
    column = table[0].index("assertion")
    assert back[1][column] == ASSERTION.encode("utf-8").decode("cp1252")
    changed = {
        (r, c) for r, row in enumerate(table) for c, cell in enumerate(row) if not cell.isascii()
    }
    assert {
        (r, c) for r, row in enumerate(back) for c, cell in enumerate(row) if cell != table[r][c]
    } == changed
    assert irc.validate(out).valid  # garbled text is still text: only the cells show it


def test_a_windows_1252_export_loses_what_validate_rejects(tmp_path: Path) -> None:
    commands = readme_commands().replace(UTF8_EXPORT, "StarCalc):44,34,1,")
    out, _ = run_commands(tmp_path, commands)
    data = out.read_bytes()
    assert "?ahin, ????, ??".encode("ascii") in data  # Ş, Cyrillic and Chinese are lost
    report = irc.validate(out)
    assert not report.valid
    assert report.rules_broken() == {"readable"}
    assert "not UTF-8" in report.render()


def test_without_text_columns_a_hash_of_digits_is_rewritten(tmp_path: Path) -> None:
    """Why the README sets every column's type to Text."""
    commands = readme_commands()
    assert commands.count(",$cols,") == 1
    out, table = run_commands(tmp_path, commands.replace(",$cols,", ",,"))
    column = table[0].index("span_sha256")
    assert rows(out)[2][column] != DIGITS_HASH
    assert "sha256_pattern" in irc.validate(out).rules_broken()
