"""A caught savepoint that rolled back the claim of a row without a version field (a hash ETag,
whose claim is ``SELECT ... FOR UPDATE``): the action's next write claims the row again, against
the state the preconditions saw. PostgreSQL freed the row with the savepoint, and another
request's change was overwritten."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import include, path
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from tests.conftest import write
from tests.testapp.conditional_views import NoteViewSet, saved
from tests.testapp.models import Note

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: a second connection commits while the write's transaction is open",
)


class Boom(Exception):
    pass


def other_note_writer_commits(pk: int, text: str) -> None:
    """Another request commits a change of the note, on its own connection (a thread)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            other = Note.objects.get(pk=pk)
            other.text = text
            other.save()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the other writer was blocked by the write's row lock"
    if errors:
        raise errors[0]


class RetryingNoteViewSet(NoteViewSet):
    precondition_required = False

    @action(detail=True, methods=["post"])
    def retry_in_savepoint(self, request: Request, pk: str | None = None) -> Response:
        """test_claims_in_writes' retry_in_savepoint, for a model without a version field."""
        note = self.get_object()
        with self.write_transaction(Note):
            try:
                with transaction.atomic():
                    saved(self, note, {"text": "attempt"})
                    raise Boom
            except Boom:
                pass
            other_note_writer_commits(note.pk, "Theirs")
            return Response(saved(self, note, request.data).data)

    @action(detail=True, methods=["post"])
    def cw_retry_in_savepoint(self, request: Request, pk: str | None = None) -> Response:
        """The same through conditional_write(), twice."""
        note = self.get_object()
        with self.write_transaction(Note):
            try:
                with transaction.atomic(), self.conditional_write(note):
                    note.text = "attempt"
                    note.save()
                    raise Boom
            except Boom:
                pass
            other_note_writer_commits(note.pk, "Theirs")
            with self.conditional_write(note):
                note.text = request.data["text"]
                note.save()
            return Response(self.get_serializer(note).data)


router = SimpleRouter()
router.register("notes", RetryingNoteViewSet, basename="retrying-note")
urlpatterns = [path("retrying/", include(router.urls))]


@needs_postgresql
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["retry_in_savepoint", "cw_retry_in_savepoint"])
def test_after_a_caught_savepoint_that_released_a_hash_claims_lock_a_save_claims_again(
    name: str,
) -> None:
    """The request's If-Match names the note "First"; "Theirs" was committed after the
    savepoint released the row lock (PostgreSQL): the second attempt is 412, its claim taken
    back and made again, as a version field's is. It was 200, "Mine" written over "Theirs"."""
    note = Note.objects.create(text="First")
    client = Client()
    read = client.get(f"/retrying/notes/{note.pk}/")["ETag"]
    response = write(
        client,
        "POST",
        f"/retrying/notes/{note.pk}/{name}/",
        {"text": "Mine"},
        **{"If-Match": read},
    )
    text = Note.objects.get(pk=note.pk).text
    assert (response.status_code, text) == (412, "Theirs"), (response.status_code, text)
