"""Withdraw from the search index every draft's copy that a publication left behind.

A publication records each draft's copy before it sends it, and deletes the record as it
commits or withdraws the copy as it fails; a worker killed in between leaves the record, and
the copy in the index. Run this from cron (every few minutes): each record older than
``--older-than`` seconds (its publication is over, whatever its deadlines) is withdrawn.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo_project.articles.search_index import withdraw_left_behind


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            help="seconds since the copy was sent (default: 2 x SEARCH_INDEX_TIMEOUT + 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["older_than"]
        if seconds is None:
            # Two calls of one publication (the copy and its withdrawal) and its database
            # statements: past this, no publication that sent the copy is still running.
            seconds = 2 * settings.SEARCH_INDEX_TIMEOUT + 60
        recovered = withdraw_left_behind(timedelta(seconds=seconds))
        self.stdout.write(
            f"Withdrew {len(recovered.withdrawn)} copies of drafts; kept "
            f"{len(recovered.kept)} of published articles."
        )
        if recovered.failed:
            raise CommandError(
                "The search index did not withdraw the copies of articles "
                f"{', '.join(map(str, recovered.failed))}: their records are kept for the "
                "next run."
            )
