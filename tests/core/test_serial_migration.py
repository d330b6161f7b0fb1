"""The three old counters (DailySerial, DocumentSerial, LicenceSerial) move into core.Serial:
numbers already issued stay as they are, and the next ones continue after them."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from govserve.cases.models import CASE_NUMBER, DOCUMENT_NUMBER, Case, DocumentKind
from govserve.core import serials
from govserve.core.models import Serial
from govserve.licences.models import LICENCE_SERIAL, Licence
from tests.cases.factories import CaseFactory
from tests.licences.factories import LicenceFactory

BEFORE = [
    ("cases", "0004_case_saved_materials"),
    ("licences", "0003_certificates_seals_archive_moved"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_numbers_issued_before_the_move_are_kept_and_continued():
    case = CaseFactory()
    licence = LicenceFactory()
    code, day = case.number[:31], dt.date(2026, 12, 7)
    issued = {"case": case.number, "licence": (licence.identifier, licence.number, licence.serial)}
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        old.get_model("cases", "DailySerial").objects.create(code=code, day=day, last=41)
        old.get_model("cases", "DocumentSerial").objects.create(
            department_id=case.department_id, kind=DocumentKind.APPROVAL, year=2026, last=17
        )
        old.get_model("licences", "LicenceSerial").objects.create(
            licence_type_id=licence.licence_type_id, issuer_id=licence.issuer_id, last=9
        )
    finally:
        _migrate(latest)

    assert Case.objects.get(pk=case.pk).number == issued["case"]
    again = Licence.objects.get(pk=licence.pk)
    assert (again.identifier, again.number, again.serial) == issued["licence"]
    assert Serial.objects.count() == 3
    with transaction.atomic():
        assert serials.take_next(CASE_NUMBER, code, day.isoformat()) == 42
        assert (
            serials.take_next(DOCUMENT_NUMBER, case.department_id, DocumentKind.APPROVAL, 2026)
            == 18
        )
        assert serials.take_next(LICENCE_SERIAL, licence.licence_type_id, licence.issuer_id) == 10


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_a_number():
    case = CaseFactory()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    with transaction.atomic():
        for _ in range(3):
            serials.take_next(DOCUMENT_NUMBER, case.department_id, DocumentKind.ACCEPTANCE, 2026)
    try:
        old = _migrate(BEFORE)
        row = old.get_model("cases", "DocumentSerial").objects.get()
        assert (row.department_id, row.kind, row.year, row.last) == (
            case.department_id,
            DocumentKind.ACCEPTANCE,
            2026,
            3,
        )
    finally:
        _migrate(latest)
    assert (
        serials.last_taken(DOCUMENT_NUMBER, case.department_id, DocumentKind.ACCEPTANCE, 2026) == 3
    )
