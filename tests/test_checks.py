"""System checks: one test per id, and a test that Django runs them."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import checks as django_checks
from django.core.checks.urls import check_url_config
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import include, path
from rest_framework import generics, routers, serializers, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound

from django_http_errors import checks
from django_http_errors.check_ids import CHECK_IDS
from django_http_errors.handlers import exception_handler, warn_if_not_installed
from django_http_errors.mixins import ConditionalUpdateMixin
from django_http_errors.negotiation import ProblemContentNegotiation
from django_http_errors.permissions import (
    HiddenFilter,
    IsOwner,
    IsOwnerOrReadOnly,
    Permission,
    hidden,
)
from tests.testapp.models import Note, Post
from tests.testapp.permission_views import PostTitleSerializer

OURS = "django_http_errors."
REST = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.BasicAuthentication"],
    "EXCEPTION_HANDLER": checks.HANDLER_PATH,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": checks.NEGOTIATION_PATH,
}


def code(message: django_checks.CheckMessage) -> str:
    """A message's id without the app's prefix: ``E001``."""
    return (message.id or "").removeprefix(OURS)


def ids(**overrides: Any) -> list[str]:
    """The codes of our ids that Django's check framework reports with these settings.

    I010 depends on the test app's hash-mode view, so only its own tests look for it.
    """
    with override_settings(**overrides):
        messages = django_checks.run_checks()
    ours = [code(m) for m in messages if (m.id or "").startswith(OURS)]
    return [i for i in ours if i != "I010"]


def test_the_test_settings_pass_every_check() -> None:
    reported = [code(m) for m in django_checks.run_checks() if (m.id or "").startswith(OURS)]
    # The test app's NoteViewSet, its two timed variants, its split serializers', its action
    # with a serializer of its own, its shouting and swapping ones, its books and shelves are
    # hash mode on purpose.
    assert reported == ["I010"] * 9


def test_checks_are_registered_and_run_by_manage_py_check() -> None:
    registered = django_checks.registry.registry.get_checks()
    for check in (
        checks.check_settings,
        checks.check_setting_name,
        checks.check_exception_handler,
        checks.check_content_negotiation,
        checks.check_schema_class,
        checks.check_middleware,
        checks.check_locale_middleware,
        checks.check_sqlite_transactions,
        checks.check_error_handlers,
        checks.check_problem_pages,
        checks.check_conditional_fields,
        checks.check_idempotency_settings,
        checks.check_version_fields,
        checks.check_hidden_objects_in_lists,
        checks.check_read_your_writes,
    ):
        assert check in registered
    with override_settings(HTTP_ERRORS=[]), pytest.raises(SystemCheckError, match="E001"):
        call_command("check")


def test_the_table_and_the_checks_agree() -> None:
    # Each id is reported by one check, or logged (W011: no check runs without the app).
    reported = [code for codes in checks.REPORTED_BY.values() for code in codes]
    logged = [code for code, entry in CHECK_IDS.items() if entry.logged]
    assert sorted(reported + logged) == sorted(CHECK_IDS)
    # Every check is registered, but E006's, which the pages' URL pattern calls.
    registered = django_checks.registry.registry.get_checks(include_deployment_checks=True)
    ours = {check for check in registered if check.__module__.startswith(OURS)}
    assert ours == set(checks.REPORTED_BY) - {checks.check_installed}


def test_every_id_has_a_test_and_a_hint() -> None:
    tests = [name for name in globals() if name.startswith("test_")]
    for code_ in CHECK_IDS:
        assert [name for name in tests if name.startswith(f"test_{code_.lower()}_")], code_
    assert all(entry.hint for entry in CHECK_IDS.values())
    assert all(entry.id == f"{OURS}{code_}" for code_, entry in CHECK_IDS.items())


def test_e001_settings_not_a_dict() -> None:
    assert ids(HTTP_ERRORS=["PRECONDITION_REQUIRED"]) == ["E001"]


def test_e002_unknown_key() -> None:
    assert ids(HTTP_ERRORS={"PRECONDITION_REQUIRD": True}) == ["E002"]


@pytest.mark.parametrize(
    "given",
    [
        {"DATABASE_RETRY_AFTER": "5"},
        {"DATABASE_RETRY_AFTER": True},
        {"TECHNICAL_500_IN_DEBUG": "yes"},
        {"PROBLEM_TYPE_BASE_URL": 1},
        {"LAST_MODIFIED_FIELD": 3},
        {"PROBLEM_PATHS": "/api/"},
        {"PROBLEM_PATHS": ["/api/", 1]},
        {"DRF_ERROR_MEMBERS": "yes"},
        {"PRECONDITION_REQUIRED": "reprot"},
        {"PRECONDITION_REQUIRED": 1},
        {"READ_YOUR_WRITES": "30"},
        {"READ_YOUR_WRITES": True},
        {"READ_YOUR_WRITES": 2.5},
    ],
)
def test_e003_wrong_type(given: dict[str, Any]) -> None:
    assert ids(HTTP_ERRORS=given) == ["E003"]


@pytest.mark.parametrize(
    "given",
    [
        {"DATABASE_RETRY_AFTER": 0},
        {"PROBLEM_TYPE_BASE_URL": None},
        {"PROBLEM_TYPE_BASE_URL": "https://errors.example/"},
        {"LAST_MODIFIED_FIELD": None},
        {"PROBLEM_PATHS": ["/api/"]},
        {"PROBLEM_PATHS": ("/api/", "/admin/api/")},
        {"PROBLEM_PATHS": None},
        {"PRECONDITION_REQUIRED": "report"},
        {"READ_YOUR_WRITES": 0},
    ],
)
def test_values_of_the_right_type_pass(given: dict[str, Any]) -> None:
    assert ids(HTTP_ERRORS=given) == []


def test_e004_negative_retry_after() -> None:
    assert ids(HTTP_ERRORS={"DATABASE_RETRY_AFTER": -1}) == ["E004"]


@pytest.mark.parametrize(
    "base",
    [
        "errors.example.com",
        "errors.example.com/problems/",
        "localhost:8000/problems/",
        "https://",
        "https:/errors.example.com/",
        "problems/",
    ],
)
def test_e007_problem_type_base_url_neither_absolute_nor_a_path(base: str) -> None:
    assert ids(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": base}) == ["E007"]


@pytest.mark.parametrize(
    "base",
    [
        "https://errors.example.com/",
        "http://localhost:8000/problems/",
        "urn:example:problems",
        # From the root, as the app's own pages are without a base (W006 under --deploy).
        "/problems/",
        "//errors.example.com/",
    ],
)
def test_e007_absolute_urls_and_paths_from_the_root_pass(base: str) -> None:
    assert ids(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": base}) == []


@pytest.mark.parametrize(
    "name", ["HTTP_ERROR", "HTTPERRORS", "HTTP_ERRORS_SETTINGS", "DJANGO_HTTP_ERRORS"]
)
def test_w012_a_misspelt_settings_dict(name: str) -> None:
    with override_settings(**{name: {"PRECONDITION_REQUIRED": True}}):
        from django.conf import settings

        # The misspelling is all there is: HTTP_ERRORS itself is unset.
        del settings.HTTP_ERRORS
        messages = checks.check_setting_name(None)
    assert [code(m) for m in messages] == ["W012"]
    assert messages[0].msg.startswith(f"{name} is set and HTTP_ERRORS is not")


def test_w012_not_while_http_errors_is_set() -> None:
    with override_settings(HTTP_ERROR={}):
        assert checks.check_setting_name(None) == []


def test_w001_exception_handler_not_ours() -> None:
    rest = {**REST, "EXCEPTION_HANDLER": "rest_framework.views.exception_handler"}
    assert ids(REST_FRAMEWORK=rest) == ["W001"]


def test_the_handler_given_as_a_function_passes() -> None:
    assert ids(REST_FRAMEWORK={**REST, "EXCEPTION_HANDLER": exception_handler}) == []


def test_w002_session_first_without_our_handler() -> None:
    rest = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.SessionAuthentication",
            "rest_framework.authentication.BasicAuthentication",
        ]
    }
    assert ids(REST_FRAMEWORK=rest) == ["W001", "W002"]


class ProjectNegotiation(ProblemContentNegotiation):
    """A project's own negotiation, built on ours."""


@pytest.mark.parametrize(
    "negotiation",
    [None, checks.DRF_NEGOTIATION_PATH, "myproject.negotiation.Missing"],
    ids=["drf-default", "drf-named", "unimportable"],
)
def test_e005_negotiation_not_ours_with_our_handler(negotiation: str | None) -> None:
    rest = {k: v for k, v in REST.items() if k != "DEFAULT_CONTENT_NEGOTIATION_CLASS"}
    if negotiation is not None:
        rest["DEFAULT_CONTENT_NEGOTIATION_CLASS"] = negotiation
    assert ids(REST_FRAMEWORK=rest) == ["E005"]


@pytest.mark.parametrize(
    "negotiation",
    [ProblemContentNegotiation, ProjectNegotiation, "tests.test_checks.ProjectNegotiation"],
    ids=["ours-as-a-class", "a-subclass", "a-subclass-by-path"],
)
def test_e005_our_negotiation_or_a_subclass_passes(negotiation: object) -> None:
    assert ids(REST_FRAMEWORK={**REST, "DEFAULT_CONTENT_NEGOTIATION_CLASS": negotiation}) == []


def test_e008_problem_auto_schema_without_drf_spectacular(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules is how Python marks a module that cannot be imported: the check
    # finds no drf-spectacular, as in a project that never installed it.
    monkeypatch.setitem(sys.modules, "drf_spectacular", None)
    assert ids() == ["E008"]


def test_e008_not_without_our_schema_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "drf_spectacular", None)
    assert ids(REST_FRAMEWORK=REST) == []


def test_w003_middleware_missing() -> None:
    from django.conf import settings

    middleware = [m for m in settings.MIDDLEWARE if m != checks.MIDDLEWARE_PATH]
    assert ids(MIDDLEWARE=middleware) == ["W003"]


def test_w007_middleware_not_first() -> None:
    from django.conf import settings

    first, second, *others = settings.MIDDLEWARE
    assert first == checks.MIDDLEWARE_PATH
    middleware = [second, first, *others]
    assert ids(MIDDLEWARE=middleware) == ["W007"]
    with override_settings(MIDDLEWARE=middleware):
        (message,) = checks.check_middleware(None)
    assert message.msg.startswith(f"RequestIDMiddleware comes after {second}:")


def test_w008_locale_middleware_missing_with_i18n() -> None:
    from django.conf import settings

    middleware = [m for m in settings.MIDDLEWARE if m != checks.LOCALE_MIDDLEWARE]
    assert ids(MIDDLEWARE=middleware) == ["W008"]
    with override_settings(MIDDLEWARE=middleware):
        (message,) = checks.check_locale_middleware(None)
    assert "the app ships translations (de)" in message.msg
    assert ids(MIDDLEWARE=middleware, USE_I18N=False) == []


def test_the_librarys_locale_middleware_selects_languages_as_djangos_does() -> None:
    from django.conf import settings

    ours = [
        "django_http_errors.languages.LocaleMiddleware" if m == checks.LOCALE_MIDDLEWARE else m
        for m in settings.MIDDLEWARE
    ]
    assert ours != list(settings.MIDDLEWARE)
    assert ids(MIDDLEWARE=ours) == []
    assert ids(MIDDLEWARE=ours, LANGUAGES=[("en", "English"), ("fr", "French")]) == ["W013"]


def test_w013_languages_the_library_does_not_speak() -> None:
    languages = [("en", "English"), ("de", "German"), ("fr", "French"), ("pt-br", "Portuguese")]
    assert ids(LANGUAGES=languages) == ["W013"]
    with override_settings(LANGUAGES=languages):
        (message,) = checks.check_languages(None)
    assert "no translations for (fr, pt-br)" in message.msg
    assert "(en, de)" in message.hint
    # English in any variant is the strings' own language.
    assert ids(LANGUAGES=[("en-gb", "British English"), ("de", "German")]) == []
    # Without LocaleMiddleware every problem is in LANGUAGE_CODE (W008's business).
    assert ids(LANGUAGES=languages, USE_I18N=False) == []


SQLITE = {"ENGINE": checks.SQLITE_ENGINE, "NAME": ":memory:", "ATOMIC_REQUESTS": True}


@pytest.mark.parametrize(
    ("databases", "expected"),
    [
        pytest.param({"default": SQLITE}, ["default"], id="sqlite-atomic-deferred"),
        pytest.param(
            {"default": {**SQLITE, "OPTIONS": {"transaction_mode": "IMMEDIATE"}}},
            [],
            id="sqlite-atomic-immediate",
        ),
        pytest.param({"default": {**SQLITE, "ATOMIC_REQUESTS": False}}, [], id="sqlite-no-atomic"),
        pytest.param(
            {"default": {**SQLITE, "ENGINE": "django.db.backends.postgresql"}},
            [],
            id="postgresql",
        ),
        pytest.param(
            {"default": {**SQLITE, "ATOMIC_REQUESTS": False}, "other": SQLITE},
            ["other"],
            id="second-database",
        ),
    ],
)
def test_w004_which_databases(databases: dict[str, Any], expected: list[str]) -> None:
    assert checks.deferred_sqlite_aliases(databases) == expected


def test_w004_is_reported_for_the_databases_it_finds() -> None:
    databases = {"default": {**SQLITE, "ATOMIC_REQUESTS": False}, "other": SQLITE}
    with override_settings(DATABASES=databases):
        messages = checks.check_sqlite_transactions(None)
    assert [code(m) for m in messages] == ["W004"]
    assert "'other'" in messages[0].msg
    assert all(m.hint for m in messages)


@pytest.mark.parametrize(
    ("options", "expected"),
    [({"transaction_mode": "IMMEDIATE"}, ["W005"]), ({}, ["W004"])],
    ids=["immediate", "deferred"],
)
def test_w005_sqlite_with_atomic_requests_points_to_write_transactions(
    options: dict[str, str], expected: list[str]
) -> None:
    database = {**SQLITE, "OPTIONS": options}
    with override_settings(DATABASES={"default": database}):
        messages = checks.check_sqlite_transactions(None)
    assert [code(m) for m in messages] == expected
    assert "write_transaction()" in (messages[0].hint or "")


def test_w005_not_for_sqlite_without_atomic_requests() -> None:
    with override_settings(DATABASES={"default": {**SQLITE, "ATOMIC_REQUESTS": False}}):
        assert checks.check_sqlite_transactions(None) == []


def test_every_message_has_a_hint() -> None:
    with override_settings(
        HTTP_ERRORS={"X": 1, "DATABASE_RETRY_AFTER": -1, "TECHNICAL_500_IN_DEBUG": 1},
        REST_FRAMEWORK={},
        MIDDLEWARE=[],
    ):
        messages = [m for m in django_checks.run_checks() if (m.id or "").startswith(OURS)]
    assert {code(m) for m in messages} - {"W004"} == {
        "I010",
        "E002",
        "E003",
        "E004",
        "W001",
        "W002",
        "W003",
        "W008",
    }
    assert all(m.hint for m in messages)


# W010: problem bodies outside DRF views need the root URLconf's error handlers


def urlconf(*patterns: Any, **handlers: str) -> types.ModuleType:
    """A root URLconf module made on the spot, with these patterns and error handlers."""
    module = types.ModuleType("urlconf_of_a_check_test")
    module.urlpatterns = list(patterns)  # type: ignore[attr-defined]
    for name, value in handlers.items():
        setattr(module, name, value)
    return module


OUR_HANDLERS = {name: checks.handler_path(name) for name in checks.ERROR_HANDLERS}


PAGES = path("problems/", include("django_http_errors.urls"))


@pytest.mark.parametrize(
    ("base", "consequence"),
    [(None, "every problem's type is about:blank"), ("/problems/", "answer 404")],
    ids=["no-base", "a-path"],
)
def test_w009_problem_pages_not_in_the_urlconf(base: str | None, consequence: str) -> None:
    module = urlconf(**OUR_HANDLERS)
    assert ids(ROOT_URLCONF=module, HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": base}) == ["W009"]
    with override_settings(ROOT_URLCONF=module, HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": base}):
        (message,) = checks.check_problem_pages(None)
    assert consequence in message.msg


@pytest.mark.parametrize(
    ("patterns", "base"),
    [
        pytest.param([PAGES], None, id="included"),
        pytest.param([path("api/", include([PAGES]))], "/api/problems/", id="nested"),
        pytest.param([], "https://errors.example.com/", id="served-elsewhere"),
    ],
)
def test_w009_pages_included_or_served_elsewhere_pass(
    patterns: list[Any], base: str | None
) -> None:
    module = urlconf(*patterns, **OUR_HANDLERS)
    assert ids(ROOT_URLCONF=module, HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": base}) == []


def test_w010_error_handlers_not_ours() -> None:
    assert ids(ROOT_URLCONF=urlconf(PAGES)) == ["W010"]
    (message,) = _messages(urlconf())
    assert "handler400, handler403, handler404, handler500" in message.msg
    assert "django_http_errors.views.page_not_found" in (message.hint or "")


def test_w010_names_only_the_handler_that_is_not_ours() -> None:
    module = urlconf(**{**OUR_HANDLERS, "handler404": "myproject.views.not_found"})
    (message,) = _messages(module)
    assert code(message) == "W010"
    assert message.msg.startswith("handler404 of the root URLconf is not")


def test_w010_handlers_given_as_functions_pass() -> None:
    from django_http_errors import views

    module = urlconf(
        handler400=views.bad_request,
        handler403=views.permission_denied,
        handler404=views.page_not_found,
        handler500=views.server_error,
    )
    assert _messages(module) == []


def _messages(module: types.ModuleType) -> list[django_checks.CheckMessage]:
    with override_settings(ROOT_URLCONF=module):
        return checks.check_error_handlers(None)


# E010 / I010: the fields a conditional view's validators come from


class NoteSerializer(serializers.ModelSerializer[Note]):
    class Meta:
        model = Note
        fields = ["id", "text"]


class NoteViews(ConditionalUpdateMixin, viewsets.ModelViewSet[Note]):
    """Hash mode: Note has no version field."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer


class RevisionViews(NoteViews):
    version_field = "revision"


class ModifiedViews(NoteViews):
    last_modified_field = "modified"


class NoLastModifiedViews(NoteViews):
    last_modified_field = ""


class SerializerOnlyView(ConditionalUpdateMixin, generics.RetrieveAPIView[Note]):
    """No queryset attribute: the model comes from the serializer's Meta."""

    serializer_class = NoteSerializer
    version_field = "revision"

    def get_queryset(self) -> Any:
        return Note.objects.all()


def field_messages(*views: type, **settings: Any) -> list[tuple[str, str]]:
    """(id, message) of the field checks for a URLconf serving these views."""
    router = routers.SimpleRouter()
    patterns: list[Any] = []
    for number, view in enumerate(views):
        if issubclass(view, viewsets.ViewSetMixin):
            router.register(f"v{number}", view, basename=f"v{number}")
        else:
            patterns.append(path(f"p{number}/", view.as_view()))
    module = urlconf(*patterns, path("", include(router.urls)), **OUR_HANDLERS)
    with override_settings(ROOT_URLCONF=module, **settings):
        return [(code(m), m.msg) for m in checks.check_conditional_fields(None)]


def test_i010_default_version_field_missing_is_hash_mode() -> None:
    ((id_, msg),) = field_messages(NoteViews)
    assert id_ == "I010"
    assert "without a version field" in msg
    assert "hash ETags, a serialization per request" in msg


def test_e010_version_field_on_the_view_names_no_field() -> None:
    ((id_, msg),) = field_messages(RevisionViews)
    assert id_ == "E010"
    assert "version_field names 'revision'" in msg


def test_e010_last_modified_field_on_the_view_names_no_field() -> None:
    assert [i for i, _ in field_messages(ModifiedViews)] == ["I010", "E010"]


def test_e010_model_found_through_the_serializer() -> None:
    assert [i for i, _ in field_messages(SerializerOnlyView)] == ["E010"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param({"VERSION_FIELD": "revision"}, ["E010"], id="version-field"),
        # Written out, even as the default, the name is meant: the model must have it.
        pytest.param({"VERSION_FIELD": "version"}, ["E010"], id="default-written-out"),
        pytest.param({"LAST_MODIFIED_FIELD": "modified"}, ["I010", "E010"], id="lm"),
        pytest.param({"LAST_MODIFIED_FIELD": None}, ["I010"], id="no-last-modified"),
        pytest.param({"LAST_MODIFIED_FIELD": "updated_at"}, ["I010"], id="lm-exists"),
    ],
)
def test_e010_a_setting_naming_no_field(given: dict[str, Any], expected: list[str]) -> None:
    messages = field_messages(NoteViews, HTTP_ERRORS=given)
    assert [i for i, _ in messages] == expected


def test_an_empty_last_modified_field_means_none_and_passes() -> None:
    assert [i for i, _ in field_messages(NoLastModifiedViews)] == ["I010"]


def test_views_with_every_field_pass_and_each_view_is_checked_once() -> None:
    from tests.testapp.conditional_views import PostViewSet

    assert field_messages(PostViewSet, PostViewSet) == []


def test_every_field_message_has_a_hint() -> None:
    router = routers.SimpleRouter()
    router.register("r", RevisionViews, basename="r")
    router.register("n", NoteViews, basename="n")
    module = urlconf(*router.urls)
    with override_settings(ROOT_URLCONF=module):
        messages = checks.check_conditional_fields(None)
    assert {code(m) for m in messages} == {"E010", "I010"}
    assert all(m.hint for m in messages)


# W011: the handler without the app installed says so once, in the log


def test_w011_handler_without_the_app_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    from django.conf import settings

    without = [app for app in settings.INSTALLED_APPS if app != "django_http_errors"]
    warn_if_not_installed.cache_clear()
    try:
        with override_settings(INSTALLED_APPS=without), caplog.at_level("WARNING"):
            for _ in range(2):
                exception_handler(NotFound(), {})
    finally:
        warn_if_not_installed.cache_clear()
    records = [r for r in caplog.records if r.name == "django_http_errors"]
    assert len(records) == 1
    assert f"{OURS}W011" in records[0].getMessage()
    assert "INSTALLED_APPS" in records[0].getMessage()


# E006: without the app, only the pages' URL pattern can report it


def test_e006_the_pages_report_the_app_missing_through_djangos_url_checks() -> None:
    from django.conf import settings

    without = [app for app in settings.INSTALLED_APPS if app != "django_http_errors"]
    with override_settings(INSTALLED_APPS=without):
        messages = check_url_config(None)
    assert [code(m) for m in messages] == ["E006"]
    assert messages[0].hint


def test_e006_is_reported_by_manage_py_check() -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=tests.settings_without_app"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"({OURS}E006) 'django_http_errors' is not in INSTALLED_APPS" in result.stderr


def test_w011_not_logged_with_the_app_installed(caplog: pytest.LogCaptureFixture) -> None:
    warn_if_not_installed.cache_clear()
    with caplog.at_level("WARNING"):
        exception_handler(NotFound(), {})
    assert not [r for r in caplog.records if r.name == "django_http_errors"]


def test_w006_deploy_check_wants_an_absolute_problem_type_base() -> None:
    assert [code(m) for m in checks.check_problem_type_base(None)] == ["W006"]
    with override_settings(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": "https://api.example/p/"}):
        assert checks.check_problem_type_base(None) == []
    with override_settings(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": "/problems/"}):
        assert [code(m) for m in checks.check_problem_type_base(None)] == ["W006"]
    with override_settings(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": 1}):
        assert checks.check_problem_type_base(None) == []
    # Only its tag's checks: drf-spectacular's deploy check generates the schema of every
    # test view (a second or more).
    tags = [django_checks.Tags.compatibility]
    deploy = django_checks.run_checks(include_deployment_checks=True, tags=tags)
    assert "W006" in {code(m) for m in deploy}
    assert "W006" not in {code(m) for m in django_checks.run_checks(tags=tags)}


@pytest.mark.parametrize(
    "given",
    [
        {"IDEMPOTENCY_KEY_LEASE": -1},
        {"IDEMPOTENCY_KEY_EXPIRY": 60},
        {"IDEMPOTENCY_KEY_EXPIRY": 10, "IDEMPOTENCY_KEY_LEASE": 20},
    ],
)
def test_e020_idempotency_lease_not_shorter_than_expiry(given: dict[str, Any]) -> None:
    assert ids(HTTP_ERRORS=given) == ["E020"]
    with override_settings(HTTP_ERRORS=given):
        assert all(m.hint for m in checks.check_idempotency_settings(None))


def test_e020_is_registered_and_passes_the_defaults() -> None:
    assert checks.check_idempotency_settings in django_checks.registry.registry.get_checks()
    assert ids(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0}) == []


# W016: a version field that only the mixin bumps


def test_w016_a_version_field_that_is_no_version_field() -> None:
    from tests.testapp.conditional_views import PostViewSet
    from tests.testapp.models import Memo

    class MemoSerializer(serializers.ModelSerializer[Memo]):
        class Meta:
            model = Memo
            fields = ["id", "text", "version"]

    class MemoViews(ConditionalUpdateMixin, viewsets.ModelViewSet[Memo]):
        queryset = Memo.objects.all()
        serializer_class = MemoSerializer

    class OtherMemoViews(MemoViews):
        pass

    router = routers.SimpleRouter()
    for number, view in enumerate([MemoViews, OtherMemoViews, PostViewSet, NoteViews]):
        router.register(f"v{number}", view, basename=f"v{number}")
    with override_settings(ROOT_URLCONF=urlconf(*router.urls)):
        messages = checks.check_version_fields(None)
    # Memo's plain integer, once for its two views; Post's VersionField and Note's hash pass.
    assert [code(m) for m in messages] == ["W016"]
    assert messages[0].msg.startswith("testapp.Memo.version, the version field of ")
    assert messages[0].hint
    assert checks.check_version_fields in django_checks.registry.registry.get_checks()


# W017: a list shows what the detail hides


class HiddenPostList(generics.ListAPIView[Post]):
    """Bob's list would show alice's posts, which her detail hides from him."""

    queryset = Post.objects.all()
    serializer_class = PostTitleSerializer
    permission_classes = [hidden(IsOwner)]


class FilteredPostList(HiddenPostList):
    filter_backends = [HiddenFilter]


class ExcludingPostList(HiddenPostList):
    """Says that its own queryset leaves the hidden posts out."""

    queryset_excludes_hidden_objects = True


class HiddenPostDetail(generics.RetrieveAPIView[Post]):
    """No list: nothing to leave out."""

    queryset = Post.objects.all()
    serializer_class = PostTitleSerializer
    permission_classes = [hidden(IsOwner)]


class HiddenPostViews(viewsets.ReadOnlyModelViewSet[Post]):
    queryset = Post.objects.all()
    serializer_class = PostTitleSerializer
    permission_classes = [hidden(IsOwner)]


class ViewHidingPostList(HiddenPostList):
    """The view, not the rule, asks to hide."""

    permission_classes = [IsOwner]
    hide_denied_objects = True


class OwnerPostList(HiddenPostList):
    """Denies with a 403, hides nothing: every post may be listed."""

    permission_classes = [IsOwner]


class ReadablePostList(FilteredPostList):
    """Hides only from writes; HiddenFilter filters their lookups with IsOwner's filter."""

    permission_classes = [hidden(IsOwnerOrReadOnly)]


class TitledOnly(Permission):
    """Only posts not titled "secret"; no object_filter."""

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.title != "secret")


class StrictOwner(IsOwner):
    """Changes IsOwner's rule, and inherits its filter: another rule's."""

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return super().allows_object(request, view, obj) and obj.title != "secret"


class UnfilterablePostList(FilteredPostList):
    permission_classes = [hidden(TitledOnly) & IsOwner]


class InheritedFilterPostList(FilteredPostList):
    permission_classes = [hidden(StrictOwner)]


class UnfilterablePostDetail(HiddenPostDetail):
    """No list, but HiddenFilter filters its lookup: it cannot."""

    filter_backends = [HiddenFilter]
    permission_classes = [hidden(TitledOnly)]


class DrfObjectPermissionPostList(HiddenPostList):
    """DRF's own class hides objects the user may not read: 404 on the detail."""

    permission_classes = [drf_permissions.DjangoObjectPermissions]


def hidden_messages(*views: type) -> list[django_checks.CheckMessage]:
    """W017's messages for a URLconf serving these views."""
    router = routers.SimpleRouter()
    patterns: list[Any] = []
    for number, view in enumerate(views):
        if issubclass(view, viewsets.ViewSetMixin):
            router.register(f"v{number}", view, basename=f"v{number}")
        else:
            patterns.append(path(f"p{number}/", view.as_view()))
    with override_settings(ROOT_URLCONF=urlconf(*patterns, *router.urls, **OUR_HANDLERS)):
        return checks.check_hidden_objects_in_lists(None)


@pytest.mark.parametrize(
    "view", [HiddenPostList, HiddenPostViews, ViewHidingPostList, DrfObjectPermissionPostList]
)
def test_w017_a_list_without_hidden_filter_shows_what_the_detail_hides(view: type) -> None:
    (message,) = hidden_messages(view)
    assert code(message) == "W017"
    assert message.msg.startswith(f"{view.__module__}.{view.__qualname__}: its list shows")
    assert "add HiddenFilter to its filter_backends" in (message.hint or "")
    assert "queryset_excludes_hidden_objects = True" in (message.hint or "")


def test_w017_names_the_rules_a_filter_would_need() -> None:
    class TitledPostList(HiddenPostList):
        permission_classes = [hidden(TitledOnly)]

    (message,) = hidden_messages(TitledPostList)
    assert "give TitledOnly an object_filter(request, view)" in (message.hint or "")


@pytest.mark.parametrize(
    ("view", "unfiltered"),
    [
        (UnfilterablePostList, "TitledOnly"),
        (InheritedFilterPostList, "StrictOwner"),
        (UnfilterablePostDetail, "TitledOnly"),
    ],
)
def test_w017_hidden_filter_without_the_rules_filters(view: type, unfiltered: str) -> None:
    (message,) = hidden_messages(view)
    assert code(message) == "W017"
    assert f"HiddenFilter cannot leave out what {view.permission_classes[0].__name__}" in (
        message.msg
    )
    assert message.msg.endswith(
        f"without an object_filter(request, view) of their own: {unfiltered}. Requests it "
        "hides objects from fail with ImproperlyConfigured."
    )
    assert (message.hint or "").startswith("Give each an object_filter(request, view)")


@pytest.mark.parametrize(
    "view",
    [FilteredPostList, ExcludingPostList, HiddenPostDetail, OwnerPostList, ReadablePostList],
)
def test_w017_passes_lists_that_leave_the_hidden_out_or_hide_nothing(view: type) -> None:
    assert hidden_messages(view) == []


def test_w017_is_reported_by_django_and_opted_out_per_view() -> None:
    views = [path("leaks/", HiddenPostList.as_view()), path("own/", ExcludingPostList.as_view())]
    reported = ids(ROOT_URLCONF=urlconf(*views, **OUR_HANDLERS))
    assert [id_ for id_ in reported if id_ != "W009"] == ["W017"]


# E021, W021: read your own writes


def test_e021_negative_read_your_writes() -> None:
    assert ids(HTTP_ERRORS={"READ_YOUR_WRITES": -5}) == ["E021"]
    with override_settings(HTTP_ERRORS={"READ_YOUR_WRITES": -5}):
        assert all(m.hint for m in checks.check_read_your_writes(None))


def test_w021_read_your_writes_without_its_middleware() -> None:
    assert ids(HTTP_ERRORS={"READ_YOUR_WRITES": 5}) == ["W021"]
    with override_settings(HTTP_ERRORS={"READ_YOUR_WRITES": 5}):
        assert all(m.hint for m in checks.check_read_your_writes(None))


def test_read_your_writes_with_its_middleware_passes() -> None:
    middleware = [*settings.MIDDLEWARE, checks.READ_YOUR_WRITES_MIDDLEWARE]
    assert ids(HTTP_ERRORS={"READ_YOUR_WRITES": 5}, MIDDLEWARE=middleware) == []


def test_e021_and_w021_are_registered() -> None:
    assert checks.check_read_your_writes in django_checks.registry.registry.get_checks()
