"""The test app's own admin site: the Post as staff change it in Django's admin."""

from __future__ import annotations

from django.contrib import admin

from .models import Post

site = admin.AdminSite(name="testapp_admin")


@admin.register(Post, site=site)
class PostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Title and body; the version is not editable, so the change form leaves it out."""

    fields = ["title", "body"]
