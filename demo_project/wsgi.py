"""WSGI entry point: ``gunicorn demo_project.wsgi`` serves the demo."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from demo_project.preload import preload

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

application = get_wsgi_application()
preload()
