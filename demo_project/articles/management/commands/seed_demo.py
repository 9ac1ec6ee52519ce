"""Create the demo's users, their tokens and three articles; put them back as seeded if edited.

Articles are keyed by fixed primary keys (1, 2, 3), so running the command twice never
duplicates one, and running it after edits restores the seeded content. An article restored
from an edit gets a new version: an ETag a client holds for the edited content never matches
the restored one (RFC 9110 §8.8.3). Articles created by users are left alone; ``make
demo-reset`` starts from an empty database instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from demo_project.articles.models import Article
from django_http_errors.writes import bump_version

USERS = [
    ("alice", "alice-password", False),
    ("bob", "bob-password", False),
    ("admin", "admin-password", True),
]

# (primary key, owner, title, body, published): the docs' examples name these ids.
ARTICLES = [
    (1, "alice", "Hello from alice", "A published article.", True),
    (2, "alice", "Alice's draft", "Only alice and staff can see this.", False),
    (3, "bob", "Bob's notes", "Published by bob.", True),
]


class Command(BaseCommand):
    help = (
        "Create the demo users (alice, bob, admin), their API tokens and articles 1 to 3; "
        "restore them if they were changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        users = {}
        with transaction.atomic():
            for username, password, staff in USERS:
                user, _ = User.objects.get_or_create(username=username)
                user.is_staff = user.is_superuser = staff
                user.is_active = True
                if not user.check_password(password):
                    user.set_password(password)
                user.save()
                users[username] = user
                token, _ = Token.objects.get_or_create(user=user)
                self.stdout.write(f"{username:6} password {password:15} token {token.key}")
            for pk, owner, title, body, published in ARTICLES:
                seeded = {"owner": users[owner], "title": title, "body": body}
                seeded["published"] = published
                _restore(pk, seeded)
            # Rows inserted with their own primary key do not advance PostgreSQL's sequence.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Article]):
                    cursor.execute(sql)
        self.stdout.write(f"{Article.objects.count()} articles")


def _restore(pk: int, seeded: dict[str, Any]) -> None:
    """Article ``pk`` as seeded: created if missing, its fields and a new version if changed."""
    article = Article.objects.filter(pk=pk).first()
    if article is None:
        Article.objects.create(pk=pk, **seeded)
        return
    if any(getattr(article, name) != value for name, value in seeded.items()):
        # An update() that, as save() does, moves the version and the modification time with
        # the content.
        bump_version(Article.objects.filter(pk=pk), **seeded)
