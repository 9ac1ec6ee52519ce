"""The demo's one resource: articles."""
