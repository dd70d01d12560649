"""Validating claims files and frames: orchestration (:mod:`.run`), column types
(:mod:`.normalise`), problems located from the rules' masks (:mod:`.locate`), keys across
chunks (:mod:`.keys`), spans against the article (:mod:`.spans`) and the report
(:mod:`.report`). The public names below are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iran_russia_claims.validation.report import (
        DEFAULT_MAX_PROBLEMS,
        EXIT_INVALID,
        EXIT_UNREADABLE,
        EXIT_VALID,
        ValidationReport,
        exit_code,
        render_json,
    )
    from iran_russia_claims.validation.run import (
        ENGINES,
        shipped_registry,
        validate,
        validate_frame,
    )

_WHERE = {
    "DEFAULT_MAX_PROBLEMS": "report",
    "EXIT_INVALID": "report",
    "EXIT_UNREADABLE": "report",
    "EXIT_VALID": "report",
    "ValidationReport": "report",
    "exit_code": "report",
    "render_json": "report",
    "ENGINES": "run",
    "shipped_registry": "run",
    "validate": "run",
    "validate_frame": "run",
}
__all__ = [
    "DEFAULT_MAX_PROBLEMS",
    "ENGINES",
    "EXIT_INVALID",
    "EXIT_UNREADABLE",
    "EXIT_VALID",
    "ValidationReport",
    "exit_code",
    "render_json",
    "shipped_registry",
    "validate",
    "validate_frame",
]


#: Deprecated names: what each is now (it keeps working, with a DeprecationWarning).
_DEPRECATED = {
    # every Parquet, CSV and JSON Lines file goes to the strict reader first, whatever its size
    "AUTO_POLARS_BYTES": (0, "every file is streamed by the strict reader first, at any size"),
}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        import warnings

        value, why = _DEPRECATED[name]
        warnings.warn(f"{__name__}.{name} is deprecated: {why}", DeprecationWarning, stacklevel=2)
        return value
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
