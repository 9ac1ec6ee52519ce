"""Right HTTP status codes and RFC 9457 problem bodies for Django REST framework."""

from __future__ import annotations

__version__ = "0.1.0"
