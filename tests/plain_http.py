"""httpx clients for the demo's servers, which answer plain HTTP on the loopback interface.

A new ``httpx.Client`` loads the system's certificate store by default: tens of milliseconds of
CPU each, hundreds on a loaded machine, which the tests that open a client for each racer or
round paid 32 or 40 times at once. Plain HTTP never uses it: one context, made once, serves
every client.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx


@functools.cache
def _unused_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def client(**options: Any) -> httpx.Client:
    """An ``httpx.Client`` (``base_url=``, ``headers=``...) with the shared context."""
    return httpx.Client(verify=_unused_tls(), **options)


def get(url: str, **options: Any) -> httpx.Response:
    """``httpx.get()`` with the shared context."""
    with client() as http:
        return http.get(url, **options)
