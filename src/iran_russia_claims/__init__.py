"""iran-russia-claims: the claims of one article on Iran-Russia relations, as validated data.

``iran_russia_claims.load()`` returns every claim as a pandas DataFrame; ``load("actors",
backend="polars")`` any other shipped table in another library; ``files()`` the paths of the
shipped exports. Heavy dependencies (pandas, pyarrow, Polars, narwhals, pydantic, pandera) are
imported on first use, not here. ``dir()`` and ``__all__`` list the public API only.
"""

from __future__ import annotations

import typing as _typing

from iran_russia_claims import _moved
from iran_russia_claims.__about__ import __version__
from iran_russia_claims.api import actors, claims, files, load, manifest, sources
from iran_russia_claims.spec.vocab import SCHEMA_VERSION

_moved.install()  # old module names (iran_russia_claims.export, ...) still import, with a warning

if _typing.TYPE_CHECKING:
    from iran_russia_claims.spec.manifest import Manifest
    from iran_russia_claims.spec.models import Actor, Claim, Registry, Source
    from iran_russia_claims.validation import ValidationReport, validate

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Claim",
    "Manifest",
    "Registry",
    "Source",
    "ValidationReport",
    "__version__",
    "actors",
    "claims",
    "files",
    "load",
    "manifest",
    "sources",
    "validate",
]

_LAZY = {"Actor", "Claim", "Registry", "Source"}
_LAZY_MANIFEST = {"Manifest"}


_LAZY_VALIDATION = {"ValidationReport", "validate"}


def __dir__() -> list[str]:
    """The public API, not the module's plumbing (``_moved``, ``_typing``, submodules)."""
    return sorted(__all__)


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        from iran_russia_claims.spec import models

        return getattr(models, name)
    if name in _LAZY_MANIFEST:
        from iran_russia_claims.spec import manifest as manifests

        return getattr(manifests, name)
    if name in _LAZY_VALIDATION:  # validating imports dataframe libraries: only when asked
        from iran_russia_claims import validation

        return getattr(validation, name)
    if f"{__name__}.{name}" in _moved.MOVED:  # `from iran_russia_claims import export`
        module = _moved.load(f"{__name__}.{name}", stacklevel=2)
        globals()[name] = module  # as an import sets it: the next access does not warn again
        return module
    raise AttributeError(f"module 'iran_russia_claims' has no attribute {name!r}")
