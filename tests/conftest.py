"""Shared fixtures: where the repository, its dataset and the (optional) article are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / "dataset"
EXPORTS = REPO / "exports"
#: Set this to the article's path to run the provenance tests against a copy elsewhere.
SOURCE_ENV = "IRAN_RUSSIA_CLAIMS_SOURCE"
DEFAULT_SOURCE = REPO.parent / "shared" / "sources" / "iran-russia-relations.txt"


def source_path() -> Path | None:
    path = Path(os.environ.get(SOURCE_ENV, DEFAULT_SOURCE))
    return path if path.is_file() else None


@pytest.fixture
def article_path() -> Path:
    """The article's path; tests that need it are skipped, with the reason, when it is absent."""
    path = source_path()
    if path is None:
        pytest.skip(
            f"the article is not at {os.environ.get(SOURCE_ENV, DEFAULT_SOURCE)}; "
            f"set {SOURCE_ENV} to its path to run the provenance tests"
        )
    return path


@pytest.fixture
def article_text(article_path: Path) -> str:
    from iran_russia_claims.readers.article import read_source_text

    return read_source_text(article_path)


def write_manifest(directory: Path, **changes: object) -> Path:
    """A collection.yaml in ``directory``: the shipped one's, with ``changes`` (a key set to
    None is dropped) and without the shipped articles folder."""
    import yaml

    manifest = yaml.safe_load((DATASET / "collection.yaml").read_text(encoding="utf-8"))
    manifest.pop("articles", None)
    manifest.update(changes)
    manifest = {k: v for k, v in manifest.items() if v is not None}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "collection.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A quiet local Spark session on two cores, stopped after the module (for the Spark
    tests of tests/engines/, skipped where PySpark or Java is missing)."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("iran-russia-claims-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
