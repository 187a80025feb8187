"""Upper bounds on the database queries of the busiest pages (issue 9: CPU per request).

Each query costs the web server a few hundred microseconds of ORM work and the database its
share, so an extra query per card or per related person shows here before it shows in the load
test. The bounds are today's counts plus a little room; raise them only for a reason.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familycontext.governance import chain
from familycontext.governance.models import AuditEntry

pytestmark = pytest.mark.django_db

CHILD = "/person/P00000001"


def _queries(client, url: str, **headers) -> int:
    client.get(url, **headers)  # warm: the first request of a test creates the chain head etc.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    # BEGIN / COMMIT / SAVEPOINT are bookkeeping, not work; count the statements that do work.
    return sum(1 for q in captured.captured_queries
               if not q["sql"].upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")))


def test_person_page_queries_are_bounded(with_reason, family):
    # Session, user, live session, roles, person, restriction, records, relationships, same
    # address, cards (2 + rows of the services holding the person), audit (head, insert, head),
    # alerts, session save.
    assert _queries(with_reason, CHILD) <= 24


def test_a_card_queries_are_bounded(with_reason, family):
    assert _queries(with_reason, CHILD + "/service/school", HTTP_X_REQUESTED_WITH="fetch") <= 14


def test_a_person_without_records_in_a_service_costs_no_row_queries(with_reason, family):
    """The cards of services that hold no record of the person read no service rows."""
    with_reason.get(CHILD)
    with CaptureQueriesContext(connection) as captured:
        with_reason.get(CHILD)
    row_tables = ("sources_schoolenrolment", "sources_housingtenancy", "sources_housingcase",
                  "sources_ascinvolvement", "sources_policecontact", "sources_policeoffence")
    read = [t for t in row_tables if any(f'FROM "{t}"' in q["sql"] for q in captured.captured_queries)]
    assert len(read) < len(row_tables)


def test_a_page_of_results_is_audited_in_one_insert_and_stays_chained(signed_in, family):
    signed_in.post("/", {"search-by": "name", "first-name": "Ava", "last-name": "Smith"})
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as captured:
        page = signed_in.get("/results")
    shown = AuditEntry.objects.count() - before
    assert page.status_code == 200 and shown >= 2
    inserts = [q for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "governance_auditentry"')]
    assert len(inserts) == 1
    assert chain.verify().ok
