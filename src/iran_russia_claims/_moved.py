"""Modules that moved, and the import hook that keeps their old names working for a while.

:data:`MOVED` maps each old dotted module name to its new one. Importing an old name, as
``import iran_russia_claims.export`` or ``from iran_russia_claims import export``, emits a
:class:`DeprecationWarning` that names the new path and gives the new module itself, so the old
and the new name are one module object. The hook is installed by the package's ``__init__``; it
costs a dictionary look-up per import and imports nothing heavy.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

#: Old module name -> new module name.
MOVED: dict[str, str] = {
    "iran_russia_claims.atomic": "iran_russia_claims.publish.atomic",
    "iran_russia_claims.datapackage": "iran_russia_claims.publish.datapackage",
    "iran_russia_claims.drift": "iran_russia_claims.publish.drift",
    "iran_russia_claims.export": "iran_russia_claims.publish.export",
    "iran_russia_claims.frame": "iran_russia_claims.publish.frame",
    "iran_russia_claims.jsonschemas": "iran_russia_claims.publish.jsonschemas",
    "iran_russia_claims.parquet": "iran_russia_claims.publish.parquet",
    "iran_russia_claims.synth": "iran_russia_claims.publish.synth",
    "iran_russia_claims.tables": "iran_russia_claims.publish.tables",
    "iran_russia_claims.card": "iran_russia_claims.describe.card",
    "iran_russia_claims.croissant": "iran_russia_claims.describe.croissant",
    "iran_russia_claims.metadata": "iran_russia_claims.describe.metadata",
    "iran_russia_claims.plot": "iran_russia_claims.describe.plot",
    "iran_russia_claims.summary": "iran_russia_claims.describe.summary",
    "iran_russia_claims.vocab": "iran_russia_claims.spec.vocab",
    "iran_russia_claims.rules": "iran_russia_claims.spec.rules",
    "iran_russia_claims.models": "iran_russia_claims.spec.models",
    "iran_russia_claims.report": "iran_russia_claims.validation.report",
    "iran_russia_claims.schema": "iran_russia_claims.engines.pandera_pandas",
    "iran_russia_claims.schema_polars": "iran_russia_claims.engines.pandera_polars",
    "iran_russia_claims.schema_spark": "iran_russia_claims.engines.pandera_spark",
    "iran_russia_claims.polars_io": "iran_russia_claims.readers.strict",
    "iran_russia_claims.dataset": "iran_russia_claims.curation.dataset",
    "iran_russia_claims.provenance": "iran_russia_claims.curation.provenance",
    "iran_russia_claims.text": "iran_russia_claims.readers.article",
}


def load(old: str, stacklevel: int = 1) -> ModuleType:
    """The module ``old`` moved to, also registered as ``old``, after a DeprecationWarning.

    ``stacklevel`` is counted from the caller, as for :func:`warnings.warn` (which skips the
    import machinery's own frames), so the warning names the line that used the old name.
    """
    new = MOVED[old]
    warnings.warn(
        f"{old} is deprecated; import {new} instead", DeprecationWarning, stacklevel=stacklevel + 1
    )
    module = importlib.import_module(new)
    sys.modules[old] = module
    return module


class _Alias(Loader):
    """Loads an old name as the new module: the placeholder module is replaced in sys.modules."""

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        load(module.__name__, stacklevel=2)


class MovedFinder(MetaPathFinder):
    """Finds the old names of :data:`MOVED`, and nothing else."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        return ModuleSpec(fullname, _ALIAS) if fullname in MOVED else None


_ALIAS = _Alias()


def install() -> None:
    """Put the finder first on sys.meta_path (once), so an old name never loads a stale file."""
    if not any(isinstance(finder, MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedFinder())
