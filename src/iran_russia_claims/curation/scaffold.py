"""``init``: a new, empty collection folder, written all at once.

The folder gets a manifest (``collection.yaml``), empty registries and record lists, an
``articles/`` folder for the articles' texts and a README stub that lists the next steps. The
whole folder is staged beside the target and renamed into place, so a failure leaves nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from pydantic import ValidationError

from iran_russia_claims.readers.collection import _problems
from iran_russia_claims.spec.manifest import MANIFEST_FILE, Manifest
from iran_russia_claims.spec.problem import DataError, Problem

ARTICLES = "articles"

_LISTS = {
    "actors.yaml": (
        "actors",
        "# Actor registry: every code a claim may name in `actors`.\n"
        "# kind: state | bloc | igo | sector | group; states carry iso3 (ISO 3166-1 alpha-3).\n"
        "# Example:  - {code: KAZ, name: Kazakhstan, kind: state, iso3: KAZ}\n",
    ),
    "sources.yaml": (
        "sources",
        "# Source registry: the articles the claims are drawn from (facts only, never text).\n"
        "# Add one with `iran-russia-claims add-source ARTICLE`.\n",
    ),
    "claims.yaml": (
        "claims",
        "# Claims: one record per atomic proposition. `iran-russia-claims sentences ARTICLE\n"
        "# --skeleton claims` prints stubs to paste; `iran-russia-claims fill` computes\n"
        "# section, span_sha256 and confidence_band.\n",
    ),
    "filler.yaml": (
        "filler",
        "# Filler: sentences that carry no claim, and why (title, byline, heading, ...).\n",
    ),
}


def manifest_text(manifest: Manifest) -> str:
    """The manifest as YAML, with a comment saying what reads it."""
    data = manifest.model_dump(mode="json", exclude_none=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    return (
        "# The collection's manifest: its identity, read by every command and metadata\n"
        "# generator. `articles` is the folder of the articles' texts, relative to this file.\n"
        + body
    )


def readme_text(manifest: Manifest) -> str:
    return f"""# {manifest.title}

{manifest.description}

A claims collection in the format of `iran-russia-claims`. Next steps, from this folder:

1. Put each article's text file in `{ARTICLES}/` (UTF-8, LF line ends) and register it:
   `iran-russia-claims add-source {ARTICLES}/ARTICLE.txt --author "..."`.
2. Add the actors your claims name to `actors.yaml`.
3. List the sentences: `iran-russia-claims sentences {ARTICLES}/ARTICLE.txt --skeleton claims`;
   code each claim in `claims.yaml`, each sentence without a claim in `filler.yaml`.
4. Find a span's offsets: `iran-russia-claims locate {ARTICLES}/ARTICLE.txt "a quotation"`.
5. Compute the derived fields: `iran-russia-claims fill`.
6. Check: `iran-russia-claims coverage` and `iran-russia-claims validate claims.yaml
   --collection . --source {ARTICLES}`.
7. Publish: `iran-russia-claims export --collection . --out exports --schemas schemas`, then
   `iran-russia-claims metadata --collection .` (the Croissant file, the dataset card, the
   citation file, and the two generated sections below).

<!-- at-a-glance:start -->
<!-- at-a-glance:end -->

<details><summary>Data dictionary</summary>

<!-- data-dictionary:start -->
<!-- data-dictionary:end -->

</details>
"""


def new_manifest(**fields: object) -> Manifest:
    """A manifest from the given fields, or DataError naming each bad one."""
    try:
        return Manifest.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise DataError(_problems(exc, "the options of `init`")) from None


def init_collection(directory: str | Path, manifest: Manifest) -> list[Path]:
    """Create ``directory`` as a new collection; refuse one that exists and is not empty."""
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "is a file" if not target.is_dir() else "exists and is not empty"
        raise DataError(
            [
                Problem(
                    "readable",
                    f"this {what}; nothing was written",
                    str(target),
                    hint="choose a new folder name (init never overwrites a collection)",
                )
            ]
        )
    files = {MANIFEST_FILE: manifest_text(manifest), "README.md": readme_text(manifest)}
    files |= {name: f"{comment}{key}: []\n" for name, (key, comment) in _LISTS.items()}
    files[f"{ARTICLES}/.keep"] = ""
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in files.items():
            path = stage / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)  # mkdtemp's folder is private; a collection is not
        if target.exists():  # an empty folder, perhaps the current one: move the files in
            for entry in sorted(stage.iterdir()):
                os.replace(entry, target / entry.name)
        else:
            os.replace(stage, target)
    except BaseException:
        if target.exists() and target.resolve() != stage.resolve():
            for name in files:  # what was moved in before the failure
                (target / name).unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return sorted(target / name for name in files)
