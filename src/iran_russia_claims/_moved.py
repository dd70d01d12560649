"""Old module paths, kept working with a DeprecationWarning (see the changelog's policy).

One dict, ``MOVED``, maps each old module name to its new one; a meta path finder serves the
old names. Nothing heavy is imported here: it runs on ``import iran_russia_claims``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import Final

MOVED: Final[dict[str, str]] = {
    "iran_russia_claims.vocab": "iran_russia_claims.spec.vocab",
    "iran_russia_claims.rules": "iran_russia_claims.spec.rules",
    "iran_russia_claims.models": "iran_russia_claims.spec.models",
    "iran_russia_claims.report": "iran_russia_claims.validation.report",
    "iran_russia_claims.schema": "iran_russia_claims.engines.pandera_pandas",
    "iran_russia_claims.schema_polars": "iran_russia_claims.engines.pandera_polars",
    "iran_russia_claims.schema_spark": "iran_russia_claims.engines.pandera_spark",
}


def warn(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated; import {new} instead", DeprecationWarning, stacklevel=3)


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warn(spec.name, self.new)
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """The new module is already executed."""


class MovedFinder(importlib.abc.MetaPathFinder):
    """Finds the old names of moved modules and hands out the new modules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    if not any(isinstance(f, MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(MovedFinder())
