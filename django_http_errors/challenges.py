"""What the view's authentication classes say of HTTP: the ``WWW-Authenticate`` challenges of a
401, and the request header fields that carry the credentials they read (for ``Vary``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.authentication import SessionAuthentication

from .conf import get_settings

#: RFC 9110 §11.6.1: the challenges of a 401, one or several.
#: RFC 9110 §11.6.2, as Django's ``META`` names it.
AUTHORIZATION = "HTTP_AUTHORIZATION"
#: The header fields that carry credentials: a scheme's (RFC 9110 §11.6.2), a session's.
AUTHORIZATION_HEADER = "Authorization"
COOKIE = "Cookie"
BEARER = "bearer"


def scheme_of(challenge_or_credentials: str) -> str:
    """The auth-scheme token, lowercased: schemes are case-insensitive (RFC 9110 §11.1)."""
    return challenge_or_credentials.strip().split(" ", 1)[0].lower()


def view_challenges(authenticators: Iterable[Any], request: Any) -> list[str]:
    """The challenges of every authentication class that defines one, in the view's order."""
    found = []
    for authenticator in authenticators:
        header = authenticator.authenticate_header(request)
        if header:
            found.append(str(header))
    return found


def credential_headers(authenticators: Iterable[Any], request: Any) -> list[str]:
    """The request header fields the authentication classes read the credentials from: what
    an answer that depends on who asks must name in ``Vary`` (RFC 9110 §12.5.5).

    A class's own ``credential_headers`` (a sequence of field names) when it declares one;
    else ``Cookie`` for ``SessionAuthentication``, and ``Authorization`` for a class with a
    challenge (``authenticate_header()``), since a challenge is answered in ``Authorization``
    (RFC 9110 §11.6.2). A class with neither (``RemoteUserAuthentication``) reads no field.
    """
    found: list[str] = []
    for authenticator in authenticators:
        declared = getattr(authenticator, "credential_headers", None)
        if declared is not None:
            names = list(declared)
        elif isinstance(authenticator, SessionAuthentication):
            names = [COOKIE]
        elif _challenge_of(authenticator, request):
            names = [AUTHORIZATION_HEADER]
        else:
            names = []
        found += [name for name in names if name not in found]
    return found


def _challenge_of(authenticator: Any, request: Any) -> str | None:
    """The class's challenge, if it has one: a test's ``force_authenticate()`` puts one in
    place that has no ``authenticate_header()`` (and reads no field)."""
    challenge = getattr(authenticator, "authenticate_header", None)
    return challenge(request) if challenge is not None else None


def bearer_error(challenge: str, error: str, **params: str) -> str:
    """A Bearer challenge with an ``error`` auth-param (RFC 6750 §3)."""
    extra = "".join(f', {name}="{value}"' for name, value in params.items())
    separator = ", " if " " in challenge.strip() else " "
    return f'{challenge.strip()}{separator}error="{error}"{extra}'


def challenge_header(request: Any, *, failed: bool) -> str:
    """The ``WWW-Authenticate`` value for a 401 (RFC 9110 §15.5.2: at least one challenge).

    A request whose credentials failed gets the challenge of the scheme it used (with
    ``error="invalid_token"`` for Bearer, its error code for a bad token); an anonymous one gets
    every challenge the view can answer (the field allows several), or the ``SESSION_CHALLENGE``
    when none of its classes defines one, as with SessionAuthentication alone.
    """
    challenges = view_challenges(getattr(request, "authenticators", ()) or (), request)
    if failed and challenges:
        meta = getattr(request, "META", {})
        used = scheme_of(meta.get(AUTHORIZATION, ""))
        for challenge in challenges:
            if used and scheme_of(challenge) == used:
                if used == BEARER:
                    return bearer_error(challenge, "invalid_token")
                return challenge
    if challenges:
        return ", ".join(challenges)
    return get_settings().SESSION_CHALLENGE
