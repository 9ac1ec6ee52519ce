"""What a server process loads before its first request, and keeps for its lifetime."""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings


def preload() -> None:
    """Import the URLconf now, put everything imported out of the collector's reach, and let
    the collector run again.

    Django imports the URLconf (views, serializers, the schema) at a process's first request,
    which took about 40 ms more for it under uvicorn here; imported here, a server pays it as
    it starts. Under gunicorn's ``--preload`` (demo_project.servers.THREADED_WSGI_ARGS) the
    master loads it once and forks the workers, which share its memory until they write to it;
    the collector writes to each object it walks, which copied most of the shared pages into
    every worker. ``gc.freeze()`` keeps it from walking what was imported: nothing imported
    here is garbage. bench/preload_memory.py measures it: 42 MB private per worker without
    either, 18 MB with both. A full collection walks less as well, where nothing is shared.

    The entry points (``wsgi.py``, ``asgi.py``) turn the collector off before they import
    anything, as the ``gc.freeze()`` documentation advises: the imports then leave no freed
    holes among the pages the workers share, and a process starts on 12 % less CPU (about
    70 ms), since each of the collections the imports would set off walks everything imported
    so far. It is turned back on here, in every process, before any request.
    """
    import_module(settings.ROOT_URLCONF)
    gc.freeze()
    gc.enable()
