"""ASGI entry point: ``uvicorn demo_project.asgi:application`` serves the demo."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from demo_project.preload import preload

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
# Django: "When using ASGI, persistent connections should be disabled"; a request's sync code
# may run in a thread of its own, whose connection no later request would close. Read by the
# settings, so it must be set before the application is made.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")

application = get_asgi_application()
preload()
