"""A Bearer authentication class (RFC 6750) for the tests: DRF tokens sent as Bearer tokens."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication


class BearerAuthentication(TokenAuthentication):
    """``Authorization: Bearer <DRF token key>``; its challenge names a realm (RFC 6750 §3)."""

    keyword = "Bearer"

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'
