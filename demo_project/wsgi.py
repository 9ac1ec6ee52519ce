"""WSGI entry point: ``gunicorn demo_project.wsgi`` serves the demo."""

from __future__ import annotations

import gc
import os

# Off until preload() has imported what the process keeps for its lifetime (its docstring).
gc.disable()

from django.core.wsgi import get_wsgi_application  # noqa: E402

from demo_project.preload import preload  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

application = get_wsgi_application()
preload()
