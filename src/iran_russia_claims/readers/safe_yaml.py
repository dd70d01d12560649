"""Parsing YAML safely: PyYAML's safe loader, refusing a duplicate key, within a size limit.

:func:`read_yaml` parses a whole YAML file (the curated ``dataset/`` files, or a claims file in
YAML) with a :class:`yaml.SafeLoader` subclass, which builds plain data and never a Python
object a tag asks for, and refuses a key given twice instead of silently keeping the last. A
file over :data:`MAX_YAML_BYTES` is not read. Every failure (missing, too large, not UTF-8, not
valid YAML, unreadable) becomes a :class:`~iran_russia_claims.spec.problem.DataError` with one
located ``readable`` problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from iran_russia_claims.spec.problem import DataError, Problem

#: A hostile or mistaken file must not exhaust memory: the curated files are far smaller.
MAX_YAML_BYTES = 32 * 1024 * 1024


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys instead of silently keeping the last."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with a safe loader; any failure becomes a located DataError."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DataError(
                [Problem("readable", f"file is {size} bytes, over {MAX_YAML_BYTES}", name)]
            )
        text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        raise DataError([Problem("readable", "file not found", name)]) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            [Problem("readable", f"not UTF-8 ({exc.reason} at byte {exc.start})", name)]
        ) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem("readable", f"not valid YAML: {exc}", name)]) from None
    except OSError as exc:
        raise DataError([Problem("readable", f"cannot read: {exc.strerror}", name)]) from None
