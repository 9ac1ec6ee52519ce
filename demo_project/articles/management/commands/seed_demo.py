"""Create the demo's users, their tokens and a few articles; running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from demo_project.articles.models import Article

USERS = [
    ("alice", "alice-password", False),
    ("bob", "bob-password", False),
    ("admin", "admin-password", True),
]

ARTICLES = [
    ("alice", "Hello from alice", "A published article.", True),
    ("alice", "Alice's draft", "Only alice and staff can see this.", False),
    ("bob", "Bob's notes", "Published by bob.", True),
]


class Command(BaseCommand):
    help = "Create the demo users (alice, bob, admin), their API tokens and a few articles."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        users = {}
        for username, password, staff in USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = staff
            if not user.check_password(password):
                user.set_password(password)
            user.save()
            users[username] = user
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(f"{username:6} password {password:15} token {token.key}")
        for owner, title, body, published in ARTICLES:
            Article.objects.get_or_create(
                owner=users[owner], title=title, defaults={"body": body, "published": published}
            )
        self.stdout.write(f"{Article.objects.count()} articles")
