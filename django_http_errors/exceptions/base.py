"""The base classes of the problems: an exception that declares its problem type, and the
kinds of problem that carry a header or a member of their own.

Each subclass says all there is to say of its problem type: status, code, default detail (as
DRF's own exceptions do), and its title, what it means and what to do (the type's page), the
headers it carries and its extension members. The handler, the problem pages and the OpenAPI
schema read them here; adding a problem type is one class (and its translation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rest_framework.exceptions import APIException

from ..http_names import RETRY_AFTER
from ..problems import Declarations, ProblemType

if TYPE_CHECKING:
    from ..problems import Text

__all__ = [
    "ProblemException",
    "RequiredHeadersProblem",
    "RetriesAfter",
    "declared_problem_types",
]

#: Every problem type a class declares, by code (``ProblemException.__init_subclass__``).
_DECLARED: Declarations[type[ProblemException]] = Declarations()


class ProblemException(APIException):
    """An ``APIException`` that declares its problem type (RFC 9457 §3.1) and its members.

    A subclass that sets its own ``title`` declares a type: the catalog, the type's page and
    the schema list it.
    """

    #: The type's title, what it means and what a client should do about it (its page).
    title: ClassVar[Text]
    meaning: ClassVar[Text]
    advice: ClassVar[Text]
    #: The response headers and the extension members (with their JSON Schema) this problem
    #: can carry: for the OpenAPI document.
    header_names: ClassVar[tuple[str, ...]] = ()
    extension_members: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "title" in cls.__dict__:
            _DECLARED[str(cls.default_code)] = cls

    @classmethod
    def problem_type(cls) -> ProblemType:
        """The problem type this class declares."""
        return ProblemType(
            str(cls.default_code), cls.status_code, cls.title, cls.meaning, cls.advice
        )

    def problem_headers(self, request: Any) -> dict[str, str]:
        """The headers of this occurrence's response."""
        return {}

    def problem_extensions(self) -> dict[str, Any]:
        """The extension members of this occurrence (RFC 9457 §3.2)."""
        return {}


def declared_problem_types() -> Declarations[type[ProblemException]]:
    """The problem types declared by ``ProblemException`` subclasses, by code."""
    return _DECLARED


class RetriesAfter(ProblemException):
    """A problem that says when to retry: ``Retry-After`` in seconds (RFC 9110 §10.2.3), sent
    when known; ``default_retry_after`` when raised without one."""

    header_names: ClassVar[tuple[str, ...]] = (RETRY_AFTER,)
    default_retry_after: ClassVar[int | None] = None

    def __init__(
        self, detail: Any = None, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(detail, code)
        self.retry_after = self.default_retry_after if retry_after is None else retry_after

    def problem_headers(self, request: Any) -> dict[str, str]:
        """``Retry-After``, when known."""
        return {} if self.retry_after is None else {RETRY_AFTER: str(self.retry_after)}


class RequiredHeadersProblem(ProblemException):
    """A problem that names, in ``required_headers``, the request headers that would cure it."""

    #: The headers named when the raiser names none.
    default_required_headers: ClassVar[tuple[str, ...]] = ()

    extension_members: ClassVar[dict[str, dict[str, Any]]] = {
        "required_headers": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The request headers, any of which makes the request acceptable.",
        }
    }

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        required_headers: Sequence[str] | None = None,
    ):
        super().__init__(detail, code)
        if required_headers is None:
            required_headers = self.default_required_headers
        self.required_headers = tuple(required_headers)

    def problem_extensions(self) -> dict[str, Any]:
        """``required_headers``: what makes the request acceptable."""
        return {"required_headers": list(self.required_headers)}
