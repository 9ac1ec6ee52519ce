"""Who may see an article: anyone a published one; a draft, its owner and staff."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from django_http_errors.permissions import IsAdminUser, IsOwner, Permission, hidden


class IsPublished(Permission):
    """A published article is for everyone."""

    code = "not_published"

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.published)

    def object_filter(self, request: Any, view: Any) -> Q:
        return Q(published=True)


#: A draft is its owner's and staff's; to anyone else it does not exist, in lists too.
CanSeeArticle = hidden(IsPublished | IsOwner | IsAdminUser)
