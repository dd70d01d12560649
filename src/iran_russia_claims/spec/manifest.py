"""A collection's identity, stated once in its manifest (``collection.yaml``).

A collection is a folder: the manifest, the registries (``actors.yaml``, ``sources.yaml``), the
claims (``claims.yaml``) and the filler ledger (``filler.yaml``). Every export, card, Croissant
file and citation reads its name, title, version, licence and creators from here, and every
validator reads its id prefix; nothing about a collection is a constant in the code. The shipped
dataset is one such collection (``dataset/collection.yaml``).
"""

from __future__ import annotations

import datetime as dt
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
    if field == "released" and isinstance(value, str):
        real_date(value)
    return value


def real_date(value: str) -> str:
    """``value`` if it is a day of the calendar (2026-02-29 is not), else a pydantic error."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "manifest_value", f"{value!r} is not a day of the calendar"
        ) from None
    return value


def date_as_text(value: Any) -> Any:
    """An unquoted YAML date (which YAML reads as a date) as the text it was written as."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _not_a_number(value: Any, info: ValidationInfo) -> Any:
    """YAML reads ``version: 1.0`` as a number: say to quote it, rather than "not a string"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "manifest_value",
            f'{info.field_name} was read as the number {value!r}: quote it, e.g. "1.0.0"',
        )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, str_strip_whitespace=True)


Text = Annotated[str, Field(min_length=1, max_length=2000)]


class License(_Strict):
    """The data's licence: an SPDX id, and where to read it."""

    id: str
    url: str | None = None
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    _forms = field_validator("id", "url")(_form)


class Creator(_Strict):
    """A person or organisation credited for the collection (a person's given and family
    names may be given apart, for the citation file; else the last word is the family name)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["person", "organization"] = "person"
    given_names: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    family_names: Annotated[str, Field(min_length=1, max_length=200)] | None = None
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
    #: Folder that gets exports/, schemas/, metadata/, README.md and CITATION.cff, relative to
    #: the manifest: the collection folder itself unless it says otherwise.
    outputs: Annotated[str, Field(min_length=1, max_length=400)] = "."

    _forms = field_validator("name", "version", "released", "language", "homepage")(_form)
    _dates = field_validator("released", mode="before")(date_as_text)
    _numbers = field_validator("version", "name", "id_prefix", mode="before")(_not_a_number)

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
