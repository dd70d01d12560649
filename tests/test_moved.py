"""Old module names keep working: a DeprecationWarning naming the new path, and the new module."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.machinery import PathFinder

import pytest

from iran_russia_claims._moved import MOVED

OLD_NAMES = sorted(MOVED)


def _forget_old_names() -> None:
    """Unbind every old name, as if none had been imported (the new modules stay imported)."""
    for old, new in MOVED.items():
        sys.modules.pop(old, None)
        parent, _, child = old.rpartition(".")
        bound = vars(sys.modules[parent]) if parent in sys.modules else {}
        if new in sys.modules and bound.get(child) is sys.modules[new]:
            del bound[child]


@pytest.fixture(autouse=True)
def fresh_old_names() -> Iterator[None]:
    """Each test imports the old names afresh, and leaves none of them bound after it."""
    _forget_old_names()
    yield
    _forget_old_names()


#: Libraries of the optional extras: a module that needs one is skipped where it is absent.
OPTIONAL = {"pyspark"}


def _new_module(old: str) -> object:
    """The module ``old`` moved to; skipped, with the reason, where it needs an extra."""
    try:
        return importlib.import_module(MOVED[old])
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in OPTIONAL:
            pytest.skip(f"{MOVED[old]} needs {exc.name}, an optional extra, not installed")
        if "pandera_spark" in MOVED[old]:  # PySpark present, but its pandas API is not
            pytest.skip(f"{MOVED[old]} needs PySpark's pandas API, which needs pandas < 3: {exc}")
        raise


def _message(old: str) -> str:
    return "^" + re.escape(f"{old} is deprecated; import {MOVED[old]} instead") + "$"


@pytest.mark.parametrize("old", OLD_NAMES)
def test_importing_an_old_name_warns_and_gives_the_new_module(old: str) -> None:
    new = _new_module(old)
    with pytest.warns(DeprecationWarning, match=_message(old)) as record:
        __import__(old)  # what `import iran_russia_claims.export` does
    assert len(record) == 1
    assert record[0].filename == __file__, "the warning must name the importing line"
    assert sys.modules[old] is new
    parent, _, child = old.rpartition(".")
    assert getattr(sys.modules[parent], child) is new


@pytest.mark.parametrize("old", OLD_NAMES)
def test_from_package_import_an_old_name_warns_once_and_gives_the_new_module(old: str) -> None:
    new = _new_module(old)
    parent, _, child = old.rpartition(".")
    with pytest.warns(DeprecationWarning, match=_message(old)) as record:
        module = getattr(__import__(parent, fromlist=[child]), child)  # `from parent import child`
    assert len(record) == 1
    assert record[0].filename == __file__, "the warning must name the importing line"
    assert module is new
    assert sys.modules[old] is new


def test_the_old_names_are_aliases_only() -> None:
    """No module file is left under an old name (it would be shadowed), and no alias chains."""
    for old, new in MOVED.items():
        parent = old.rpartition(".")[0]
        path = importlib.import_module(parent).__path__
        assert PathFinder.find_spec(old, path) is None, f"{old} still has a module file"
        assert new not in MOVED, f"{old} moved to {new}, which moved again"


def test_the_new_modules_import_without_a_warning() -> None:
    """In a fresh interpreter, importing every new module gives no warning about our names."""
    code = (
        "import importlib, json, sys, warnings\n"
        "with warnings.catch_warnings(record=True) as record:\n"
        "    warnings.simplefilter('always')\n"
        "    for new in json.loads(sys.argv[1]):\n"
        "        try:\n"
        "            importlib.import_module(new)\n"
        "        except ImportError as exc:  # an optional extra (the caller checks which)\n"
        "            optional = (exc.name or '').split('.')[0] in json.loads(sys.argv[2])\n"
        "            if not optional and not new.endswith('pandera_spark'):  # pandas 3\n"
        "                raise\n"
        "print(json.dumps([str(w.message) for w in record]))\n"
    )
    news = json.dumps(sorted(MOVED.values()))
    out = subprocess.run(
        [sys.executable, "-c", code, news, json.dumps(sorted(OPTIONAL))],
        capture_output=True,
        text=True,
        check=True,
    )
    ours = [m for m in json.loads(out.stdout) if "iran_russia_claims" in m]
    assert ours == []
