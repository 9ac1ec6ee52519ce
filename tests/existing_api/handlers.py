"""The existing API's own exception handler: DRF's, plus an error code clients read, a header,
and a log line its operators watch."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drfs_handler

logger = logging.getLogger("existing_api.errors")

#: The header its gateway reads.
HANDLED_BY = "X-Handled-By"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answer with ``error_code`` (``"E<status>"``), logged."""
    response = drfs_handler(exc, context)
    if response is None:
        return None
    view = type(context.get("view")).__name__
    logger.warning("%s in %s: %s", response.status_code, view, type(exc).__name__)
    if isinstance(response.data, dict):
        response.data["error_code"] = f"E{response.status_code}"
    response[HANDLED_BY] = "existing-api"
    return response
