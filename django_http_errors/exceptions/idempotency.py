"""The problems of a request's ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header),
each declaring its problem type."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ..http_names import IDEMPOTENCY_KEY
from .base import ProblemException, RequiredHeadersProblem, RetriesAfter
from .statuses import Conflict

__all__ = [
    "IdempotencyKeyInUse",
    "IdempotencyKeyNeedsAuthentication",
    "IdempotencyKeyRequired",
    "IdempotencyKeyReused",
    "IdempotentAnswerLost",
    "MalformedIdempotencyKey",
]


class IdempotencyKeyRequired(RequiredHeadersProblem):
    """400: this unsafe request must carry an ``Idempotency-Key`` (IETF httpapi draft §2.7)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "This request must carry an Idempotency-Key header, so that it is safe to retry."
    )
    default_code = "idempotency_key_required"
    title = _("Idempotency-Key required")
    meaning = _(
        "This unsafe request must carry an Idempotency-Key header, so that a retry is "
        "answered from the first request instead of being done twice."
    )
    advice = _(
        'Send a new unique key, such as a UUID, as Idempotency-Key: "<key>", and the '
        "same key again with each retry of this request."
    )

    default_required_headers = (IDEMPOTENCY_KEY,)


class MalformedIdempotencyKey(ProblemException):
    """400: the ``Idempotency-Key`` is not a structured-field string."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "The Idempotency-Key header must be a quoted string of at most 255 printable ASCII "
        'characters, such as "8e03978e-40d5-43e8-bc93-6894a57f9324".'
    )
    default_code = "idempotency_key_malformed"
    title = _("Malformed Idempotency-Key")
    meaning = _(
        "The Idempotency-Key header is not a structured-field string (RFC 8941) of 1 to "
        "255 printable ASCII characters."
    )
    advice = _('Send the key as a quoted string: Idempotency-Key: "<key>".')


class IdempotencyKeyNeedsAuthentication(ProblemException):
    """400: a key is only honoured for an authenticated client, to whom alone it belongs."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "An Idempotency-Key is only honoured for an authenticated client: authenticate, or "
        "send the request without it."
    )
    default_code = "idempotency_key_unauthenticated"
    title = _("Idempotency-Key needs authentication")
    meaning = _(
        "A key belongs to the client that sent it, and this request does not say who "
        "the client is, so its answer could not be kept for it alone."
    )
    advice = _("Authenticate, or send the request without an Idempotency-Key.")


class IdempotencyKeyInUse(RetriesAfter, Conflict):
    """409: a request with this key is still being processed (IETF httpapi draft §2.6)."""

    default_detail = _(
        "A request with this Idempotency-Key is still being processed. Retry in a moment: "
        "you will then get its answer."
    )
    default_code = "idempotency_key_in_use"
    title = _("Idempotency-Key in use")
    meaning = _("A request with this Idempotency-Key is still being processed.")
    advice = _(
        "Retry the same request with the same key after the seconds in Retry-After: once the "
        "first one is done, you get its answer."
    )
    #: When the first request's lease ends, at the latest (given as it is raised); else soon.
    default_retry_after = 1


class IdempotentAnswerLost(Conflict):
    """409: the first request with this key made its change, but its answer was not stored."""

    default_detail = _(
        "The first request with this Idempotency-Key made its change, but its answer was "
        "lost. Do not send it again: look the resource up instead."
    )
    default_code = "idempotent_answer_lost"
    title = _("Answer lost")
    meaning = _(
        "The first request with this Idempotency-Key made its change, but the server "
        "failed before it could keep the answer."
    )
    advice = _(
        "Do not send the request again: look the resource up (for example in its list) "
        "to see the change."
    )


class IdempotencyKeyReused(ProblemException):
    """422: the key was used before for other content (the draft's error, as for a key in use)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was used for a request with other content. Send a new key "
        "with new content."
    )
    default_code = "idempotency_key_reused"
    title = _("Idempotency-Key reused")
    meaning = _(
        "This Idempotency-Key was used before for a request with other content (method, "
        "path, content type or body)."
    )
    advice = _("Send a new key for a new request; retry a request only with its own key.")
