"""One query parameter's value read with a DRF field: its errors name the parameter."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from ..exceptions import InvalidQueryParameters


def given(request: Request, name: str) -> str | None:
    """The parameter's value; ``None`` when it is absent or empty, as DRF's classes read it."""
    value: str | None = request.query_params.get(name)
    return value or None


def read(field: serializers.Field[Any, Any, Any, Any], name: str, value: str) -> Any:
    """``value`` validated by ``field`` (DRF's messages, codes and translations); an invalid
    one is 400 naming the parameter ``name``."""
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        raise InvalidQueryParameters({name: exc.detail}) from exc


def read_integer(
    request: Request, name: str, *, minimum: int, maximum: int | None = None
) -> int | None:
    """The whole number the parameter ``name`` gives, ``None`` when absent; 400 when it is
    none or out of ``minimum`` to ``maximum``."""
    value = given(request, name)
    if value is None:
        return None
    field = serializers.IntegerField(min_value=minimum, max_value=maximum)
    if not WHOLE_NUMBER.fullmatch(value):
        # DRF's field also reads "1.0", " 1" (a "+" unencoded) and other scripts' digits.
        try:
            field.fail("invalid")
        except serializers.ValidationError as exc:
            raise InvalidQueryParameters({name: exc.detail}) from exc
    number: int = read(field, name, value)
    return number


#: A whole number as a query string writes one: ASCII digits, perhaps after a minus sign.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
