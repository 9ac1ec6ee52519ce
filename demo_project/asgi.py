"""ASGI entry point: ``uvicorn demo_project.asgi:application`` serves the demo."""

from __future__ import annotations

import gc
import os

# Off until preload() has imported what the process keeps for its lifetime (its docstring).
gc.disable()

from django.core.asgi import get_asgi_application  # noqa: E402

from demo_project.preload import preload  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
# Django: "When using ASGI, persistent connections should be disabled"; a request's sync code
# may run in a thread of its own, whose connection no later request would close. Read by the
# settings, so it must be set before the application is made.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")

application = get_asgi_application()
preload()
