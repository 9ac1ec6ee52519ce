"""The demo article service: django-http-errors over real HTTP."""
