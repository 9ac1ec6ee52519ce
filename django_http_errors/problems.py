"""The RFC 9457 problem details object and a problem type, as plain values: no Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.utils.functional import Promise

    #: A text, or a lazily translated one (Django's ``gettext_lazy``).
    Text: TypeAlias = str | Promise

__all__ = [
    "ABOUT_BLANK",
    "PROBLEM_JSON",
    "Declarations",
    "Problem",
    "ProblemType",
    "reason_phrase",
]

#: The media type of a problem details JSON object.
PROBLEM_JSON = "application/problem+json"
#: RFC 9457 §4.2.1: the type that means "nothing more than the status code".
ABOUT_BLANK = "about:blank"

_Declarer = TypeVar("_Declarer")


class Declarations(dict[str, _Declarer]):
    """The classes that declare a problem type, by code. ``changes`` counts the entries
    written, a class that takes another's code included, so that what is made from them (the
    catalog) is made anew when they change, without comparing them; an entry taken out
    changes their number."""

    changes = 0

    def __setitem__(self, code: str, cls: _Declarer) -> None:
        super().__setitem__(code, cls)
        self.changes += 1


@dataclass(frozen=True)
class ProblemType:
    """One documented problem type: its ``code``, status, title and what a client should do."""

    code: str
    status: int
    title: Text
    meaning: Text
    advice: Text

    @property
    def slug(self) -> str:
        """The last segment of the type URI (``precondition-failed``)."""
        return self.code.replace("_", "-")


#: The phrases RFC 9110 §15 gives where Python before 3.13 still spells RFC 7231's.
_RFC_9110_PHRASES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


def reason_phrase(status: int) -> str:
    """The status's reason phrase: the title of an ``about:blank`` problem.

    The same on every Python: the OpenAPI document and the titles do not change with it.
    """
    if status in _RFC_9110_PHRASES:
        return _RFC_9110_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(slots=True)
class Problem:
    """A problem details object (RFC 9457 §3): standard members plus our extensions."""

    status: int
    title: Text
    detail: Text
    code: str
    type: str = ABOUT_BLANK
    instance: str | None = None
    errors: list[dict[str, str]] | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object; ``status`` always equals the response's status (RFC 9457 §3.1.2)."""
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.instance is not None:
            body["instance"] = self.instance
        body["code"] = self.code
        if self.errors is not None:
            body["errors"] = self.errors
        for name, value in self.extensions.items():
            # An extension never replaces a standard member: ``status`` must stay the status.
            body.setdefault(name, value)
        return body
