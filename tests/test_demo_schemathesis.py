"""Schemathesis against the demo: no server error, and every response conforms to the schema.

Requests go through the demo's WSGI application, on the test database. Each operation gets
``EXAMPLES`` generated cases as alice (schemathesis probes each without credentials and with
wrong ones too), the path's id drawn from articles that exist and from one that does not.
Run just this with::

    pytest tests/test_demo_schemathesis.py -s

and it prints the operations, cases and failures.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo_project.articles.models import Article
from tests.test_demo_schema import demo_schema

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("schemathesis") is None,
    reason="schemathesis 4 needs Python 3.11+ (pyproject installs it there only)",
)
#: Cases per operation: 25 under CI's Hypothesis profile, 10 under a developer's (conftest.py).
EXAMPLES = 25 if settings.default.max_examples >= 200 else 10
#: Schema-valid requests may still fail a precondition: a random If-Match matches no ETag
#: (412), and a write that sends neither If-Match nor If-Unmodified-Since is 428 (RFC 6585 §3).
#: Generated cases also repeat an Idempotency-Key with other content (schemathesis reuses
#: values it has seen): 422 idempotency_key_reused, the only 422 the demo gives. None is a
#: rejection of the data, which is what the check looks for.
CONFIG: dict[str, Any] = {
    # Alice's Basic credentials; schemathesis also probes each operation without them and
    # with wrong ones, expecting 401 or 403.
    "auth": {"basic": {"username": "alice", "password": "alice-password"}},
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": [
                *("2xx", "3xx", 401, 403, 404, 409, 412, 422, 428, 429, "5xx"),
            ]
        }
    },
}


# Publishing commits its own transaction (a failed one rolls it back): no test transaction.
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_nonconforming_response(
    seeded: dict[str, Any],
) -> None:
    # Imported here, not at the top: every pytest-xdist process imports every test module
    # (pyproject's addopts leave out schemathesis's pytest plugin, which this test does not use).
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.core.failures import FailureGroup

    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_dict(demo_schema(), config=config)
    schema.app = get_wsgi_application()
    ids = [*Article.objects.values_list("pk", flat=True), 999999]
    operations = [result.ok() for result in schema.get_all_operations()]
    cases = 0
    failures: list[str] = []
    seen: dict[str, set[int]] = defaultdict(set)

    def exercise(operation: Any) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            # The same cases every run: CI must not depend on luck.
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), pk=st.sampled_from(ids))
        def run(case: Any, pk: int) -> None:
            nonlocal cases
            cases += 1
            if case.path_parameters and "id" in case.path_parameters:
                case.path_parameters["id"] = pk
            try:
                response = case.call_and_validate()
                seen[operation.label].add(response.status_code)
            except (AssertionError, FailureGroup) as error:
                failures.append(f"{operation.label}: {error}")

        run()

    # As Django's test client does: a request must not close the test's database connection,
    # which holds the test transaction (with CONN_MAX_AGE=0 each request would).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for operation in operations:
            exercise(operation)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    print(f"\nschemathesis: {len(operations)} operations, {cases} cases, {len(failures)} failures")
    for label, statuses in sorted(seen.items()):
        print(f"  {label}: {sorted(statuses)}")
    assert len(operations) == 8
    assert not failures, "\n\n".join(failures)
