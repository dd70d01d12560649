"""The Hugging Face Hub repository: written by ``metadata --hub``, loaded by ``datasets`` offline.

Every config loads from the folder with ``datasets.load_dataset`` (no network: the Hub is
switched off and any socket connection fails), with no warning from ``datasets``' loggers or
Python's warnings, the rows of ``iran_russia_claims.load()`` and ClassLabel features for the
vocabularies. One test loads a card as it was before (a split without ``num_bytes``) and sees
the warning, so the capture is known to work.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import socket
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATASET, EXPORTS, REPO
from iran_russia_claims import load
from iran_russia_claims.cli import main
from iran_russia_claims.describe.hub import card_header, data_file
from iran_russia_claims.describe.metadata import hub_layout
from iran_russia_claims.describe.snapshot import Snapshot, read_snapshot
from iran_russia_claims.publish.tables import Table, tables

TABLES = [t.name for t in tables()]
INSTALL = "datasets is not installed (test extra): pip install 'datasets>=3.0'"
#: What datasets logs when a split in the card's dataset_info lacks a field it needs.
MALFORMED = "malformed or missing the name/num_examples/num_bytes"


@dataclass
class Loaded:
    """One config as ``load_dataset`` returned it, and what it logged and warned meanwhile."""

    dataset: Any
    logged: list[logging.LogRecord]
    warned: list[warnings.WarningMessage]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("tried to use the network")


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``datasets``, imported with the Hub switched off, and every socket connection refused."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_DATASETS_OFFLINE", "1")
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))  # nothing of the user's
        datasets = pytest.importorskip("datasets", reason=INSTALL)
        import huggingface_hub.constants

        # in case another test imported them first: they read the variables on import
        patch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
        patch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True, raising=False)
        patch.setattr(socket.socket, "connect", _refuse)
        patch.setattr(socket, "create_connection", _refuse)
        verbosity = datasets.logging.get_verbosity()
        datasets.logging.set_verbosity_warning()  # warnings are logged, whatever came before
        datasets.disable_progress_bars()
        try:
            yield datasets
        finally:
            datasets.logging.set_verbosity(verbosity)
            datasets.enable_progress_bars()


def load_config(datasets: Any, folder: Path, config: str, cache: Path) -> Loaded:
    """``load_dataset(folder, config)``, recording datasets' and the Hub client's log records
    at WARNING and above, and every Python warning, meanwhile."""
    handler = _Records()
    loggers = [logging.getLogger(name) for name in ("datasets", "huggingface_hub")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            dataset = datasets.load_dataset(str(folder), config, cache_dir=str(cache))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    return Loaded(dataset, handler.records, list(warned))


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository as ``iran-russia-claims metadata --hub`` writes it (the other generated
    files into a scratch folder)."""
    tmp = tmp_path_factory.mktemp("hub")
    readme = tmp / "README.md"
    shutil.copy(REPO / "README.md", readme)
    folder = tmp / "repository"
    argv = ["metadata", "--exports", str(EXPORTS), "--collection", str(DATASET)]
    argv += ["--out", str(tmp / "metadata"), "--readme", str(readme)]
    argv += ["--citation", str(tmp / "CITATION.cff"), "--hub", str(folder)]
    assert main(argv) == 0
    return folder


@pytest.fixture(scope="module")
def loaded(offline: Any, hub: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Loaded]:
    cache = tmp_path_factory.mktemp("hf-cache")
    return {name: load_config(offline, hub, name, cache) for name in TABLES}


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return read_snapshot(EXPORTS, DATASET)


def front_matter(path: Path) -> dict[str, Any]:
    match = re.match(r"---\n(.*?)\n---\n", path.read_text(encoding="utf-8"), re.S)
    assert match, f"{path} must start with a YAML front matter block"
    data: dict[str, Any] = yaml.safe_load(match.group(1))
    return data


def _problems(result: Loaded) -> list[str]:
    logged = [f"{r.name}: {r.getMessage()}" for r in result.logged]
    return logged + [f"{w.category.__name__}: {w.message}" for w in result.warned]


# -- the layout ----------------------------------------------------------------------------------
def test_the_layout_is_the_card_the_citation_and_one_parquet_file_per_table(
    hub: Path, snapshot: Snapshot
) -> None:
    on_disk = {str(p.relative_to(hub)) for p in hub.rglob("*") if p.is_file()}
    expected = {"README.md", "CITATION.cff", *(data_file(t) for t in tables())}
    assert on_disk == set(hub_layout(snapshot)) == expected
    # the card in the repository is the one committed in metadata/, and its header is that card's
    assert (hub / "README.md").read_bytes() == (REPO / "metadata" / "dataset_card.md").read_bytes()
    assert (hub / "CITATION.cff").read_bytes() == (REPO / "CITATION.cff").read_bytes()
    for config in front_matter(hub / "README.md")["configs"]:
        paths = [f["path"] for f in config["data_files"]]
        assert paths == [f"data/{config['config_name']}.parquet"]


@pytest.mark.parametrize("table", tables(), ids=lambda t: t.name)
def test_the_hub_parquet_files_hold_the_exports_with_vocabularies_as_text(
    hub: Path, table: Table
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    exported = pq.read_table(EXPORTS / f"{table.name}.parquet")
    published = pq.read_table(hub / data_file(table))
    assert published.to_pylist() == exported.to_pylist()
    assert published.schema.metadata == exported.schema.metadata
    for field in table.fields:
        ours, theirs = published.schema.field(field.name), exported.schema.field(field.name)
        assert ours.metadata == theirs.metadata  # the description
        assert ours.nullable == theirs.nullable
        want = pa.string() if field.vocabulary is not None else theirs.type
        assert ours.type == want, field.name


def test_the_cli_checks_the_hub_folder(hub: Path, tmp_path: Path) -> None:
    folder = tmp_path / "repository"
    shutil.copytree(hub, folder)
    readme = tmp_path / "README.md"
    shutil.copy(REPO / "README.md", readme)
    argv = ["metadata", "--check", "--exports", str(EXPORTS), "--collection", str(DATASET)]
    argv += ["--out", str(REPO / "metadata"), "--readme", str(readme)]
    argv += ["--citation", str(REPO / "CITATION.cff"), "--hub", str(folder)]
    assert main(argv) == 0
    (folder / "data" / "actors.parquet").unlink()
    assert main(argv) == 1


@pytest.mark.parametrize("where", ["the README's folder", "metadata", "exports"])
def test_a_hub_folder_that_would_overwrite_the_projects_files_is_refused(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--hub .`` in a checkout would write the card over the project's README.md; the Hub folder
    may be neither the README's folder nor the metadata or exports folder (nor inside one)."""
    exports = tmp_path / "exports"
    shutil.copytree(EXPORTS, exports)
    readme = tmp_path / "README.md"
    shutil.copy(REPO / "README.md", readme)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    hub = {"the README's folder": tmp_path, "metadata": tmp_path / "metadata" / "hub"}
    folder = hub.get(where, exports)
    argv = ["metadata", "--exports", str(exports), "--collection", str(DATASET)]
    argv += ["--out", str(tmp_path / "metadata"), "--readme", str(readme)]
    argv += ["--citation", str(tmp_path / "CITATION.cff"), "--hub", str(folder)]
    assert main(argv) == 2
    assert main([*argv, "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --hub "), err
    assert "pass an empty folder" in err, err
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # nothing written


# -- the card names the manifest's identity, not constants ---------------------------------------
def test_title_licence_and_version_come_from_the_manifest(snapshot: Snapshot) -> None:
    manifest = snapshot.manifest.model_copy(
        update={
            "title": "Another title",
            "version": "9.8.7",
            "license": snapshot.manifest.license.model_copy(update={"id": "ODbL-1.0"}),
            "name": "another-name",
        }
    )
    other = dataclasses.replace(snapshot, manifest=manifest)
    header = card_header(other)
    assert header["pretty_name"] == "Another title"
    assert header["license"] == "odbl-1.0"
    card = hub_layout(other)["README.md"].decode("utf-8")
    assert "# Another title" in card
    assert "Version 9.8.7" in card
    assert 'load_dataset("OWNER/another-name", "actors"' in card


# -- datasets loads every config, offline, without a warning -------------------------------------
@pytest.mark.parametrize("name", TABLES)
def test_every_config_loads_without_a_warning(loaded: dict[str, Loaded], name: str) -> None:
    assert not _problems(loaded[name])


@pytest.mark.parametrize("table", tables(), ids=lambda t: t.name)
def test_every_config_has_the_rows_columns_and_labels_of_load(
    offline: Any, loaded: dict[str, Loaded], table: Table
) -> None:
    split = loaded[table.name].dataset["train"]
    expected = load(table.name, as_frame=False)  # type: ignore[arg-type]
    assert split.num_rows == len(expected)
    assert tuple(split.column_names) == table.field_names
    features = split.features
    rows = split.to_list()
    for field in table.fields:
        values = [row[field.name] for row in rows]
        if field.vocabulary is not None:
            label = features[field.name]
            assert isinstance(label, offline.ClassLabel), field.name
            assert label.names == list(field.vocabulary)
            values = [label.int2str(v) for v in values]
        else:
            assert not isinstance(features[field.name], offline.ClassLabel)
        assert values == [row[field.name] for row in expected], (table.name, field.name)


@pytest.mark.parametrize("name", TABLES)
def test_the_card_states_the_features_rows_and_bytes_datasets_finds(
    offline: Any, loaded: dict[str, Loaded], hub: Path, name: str
) -> None:
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(hub / "README.md")  # the Hub client's own parser of the header
    infos = DatasetInfosDict.from_dataset_card_data(card.data)  # raises on a malformed split
    info = infos[name]
    split = loaded[name].dataset["train"]
    assert info.features == split.features
    stated = info.splits["train"]
    assert stated.num_examples == split.num_rows
    # what datasets records as it writes the split (the sum of each Arrow table's nbytes)
    assert stated.num_bytes == split.info.splits["train"].num_bytes == split.data.nbytes
    assert info.dataset_size == stated.num_bytes
    # and the builder reads the same config from the card
    builder = offline.load_dataset_builder(str(hub), name, cache_dir=str(hub.parent / "b"))
    assert builder.info.features == split.features
    assert builder.config.name == name


def test_claims_is_the_default_config(offline: Any, hub: Path, tmp_path: Path) -> None:
    result = load_config(offline, hub, None, tmp_path)  # type: ignore[arg-type]
    assert result.dataset["train"].num_rows == len(load(as_frame=False))
    assert tuple(result.dataset["train"].column_names) == tables()[0].field_names


def test_a_split_without_num_bytes_is_warned_about(offline: Any, hub: Path, tmp_path: Path) -> None:
    """The card as it was: datasets logs that the splits are malformed, and the capture sees it."""
    folder = tmp_path / "old"
    shutil.copytree(hub, folder)
    header = front_matter(folder / "README.md")
    for info in header["dataset_info"]:
        for split in info["splits"]:
            del split["num_bytes"]
    body = (folder / "README.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    (folder / "README.md").write_text(
        f"---\n{yaml.safe_dump(header, sort_keys=False)}---\n{body}", encoding="utf-8"
    )
    result = load_config(offline, folder, "actors", tmp_path / "cache")
    assert any(MALFORMED in problem for problem in _problems(result)), _problems(result)
