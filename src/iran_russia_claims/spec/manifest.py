"""A collection's identity, stated once in its manifest (``collection.yaml``).

A collection is a folder: the manifest, the registries (``actors.yaml``, ``sources.yaml``), the
claims (``claims.yaml``) and the filler ledger (``filler.yaml``). Every export, card, Croissant
file and citation reads its name, title, version, licence and creators from here, and every
validator reads its id prefix; nothing about a collection is a constant in the code. The shipped
dataset is one such collection (``dataset/collection.yaml``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from iran_russia_claims.spec.vocab import ID_PREFIX_PATTERN, LANGUAGE_PATTERN, SLUG_PATTERN

#: The manifest's file name, inside the collection folder.
MANIFEST_FILE = "collection.yaml"
VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:[-+][0-9A-Za-z.-]+)?$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
SPDX_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.+-]*$"
URL_PATTERN = r"^https?://[^\s]+$"
ORCID_PATTERN = r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"

#: What each checked field must look like, said the same way in errors and in the docs.
_FORMS: dict[str, tuple[str, str]] = {
    "name": (SLUG_PATTERN, "a lower-case slug such as my-claims"),
    "version": (VERSION_PATTERN, "a semantic version such as 0.1.0 (quote it in YAML)"),
    "released": (DATE_PATTERN, "a date YYYY-MM-DD (quote it in YAML)"),
    "language": (LANGUAGE_PATTERN, "an ISO 639 code such as en"),
    "id": (SPDX_PATTERN, "an SPDX licence id such as CC-BY-4.0"),
    "url": (URL_PATTERN, "an http(s) URL"),
    "homepage": (URL_PATTERN, "an http(s) URL"),
    "orcid": (ORCID_PATTERN, "an ORCID such as 0000-0002-1825-0097, without the URL"),
}


def _form(value: Any, info: ValidationInfo) -> Any:
    """A field of the manifest has its documented form (see ``_FORMS``)."""
    field = str(info.field_name)
    pattern, what = _FORMS[field]
    if isinstance(value, str) and not re.fullmatch(pattern, value):
        raise PydanticCustomError("manifest_value", f"{field} must be {what}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


Text = Annotated[str, Field(min_length=1, max_length=2000)]


class License(_Strict):
    """The data's licence: an SPDX id, and where to read it."""

    id: str
    url: str | None = None
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    _forms = field_validator("id", "url")(_form)


class Creator(_Strict):
    """A person or organisation credited for the collection."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["person", "organization"] = "person"
    orcid: str | None = None
    affiliation: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    _forms = field_validator("orcid")(_form)


class Manifest(_Strict):
    """``collection.yaml``: who made the collection, what it is, and how its ids look."""

    name: str
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text
    version: str
    released: str | None = None
    license: License
    creators: Annotated[list[Creator], Field(min_length=1)]
    id_prefix: str
    language: str = "en"
    keywords: list[Annotated[str, Field(min_length=1, max_length=60)]] = []
    limitations: list[Text] = []
    homepage: str | None = None
    #: Folder of the articles' text files, relative to the manifest (never shipped).
    articles: Annotated[str, Field(min_length=1, max_length=400)] | None = None

    _forms = field_validator("name", "version", "released", "language", "homepage")(_form)

    @field_validator("id_prefix")
    @classmethod
    def _id_prefix(cls, value: str) -> str:
        if not re.fullmatch(ID_PREFIX_PATTERN, value):
            raise PydanticCustomError(
                "id_prefix_pattern",
                "id_prefix must be 2 to 10 upper-case letters or digits, starting with a letter "
                "(claim ids are then PREFIX-0001, PREFIX-0002, ...)",
            )
        return value
