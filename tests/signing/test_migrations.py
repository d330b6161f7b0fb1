"""Certificates and seals moved from the licences app to this one in Django's state only: a
database made before the move keeps its rows (same tables), now read as `signing` models."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Before the move: licences as it was, neither signing nor audit applied.
BEFORE = [("licences", "0002_licencerenewal"), ("signing", None), ("audit", None)]


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_certificates_made_before_the_move_are_read_through_the_signing_app():
    try:
        state = MigrationExecutor(connection).migrate(BEFORE)
        OldCertificate = state.apps.get_model("licences", "Certificate")
        assert OldCertificate._meta.db_table == "licences_certificate"
        now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        fields = {
            "algorithm": "sm2",
            "pem": "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
            "wrapped_key": b"\x01wrapped",
            "not_before": now,
            "not_after": now + dt.timedelta(days=365),
        }
        root = OldCertificate.objects.create(
            role="root", serial_number="5eed01", subject="CN=root", key_label="root-sm2-1", **fields
        )
        OldCertificate.objects.create(
            role="department",
            serial_number="5eed02",
            subject="CN=dept",
            key_label="department-sm2-2",
            issuer=root,
            **fields,
        )
        _migrate_to_latest()

        from govserve.signing.models import Certificate

        moved = Certificate.objects.select_related("issuer").get(serial_number="5eed02")
        assert moved.issuer.pk == root.pk and moved.issuer.serial_number == "5eed01"
        assert bytes(moved.wrapped_key) == b"\x01wrapped" and moved.not_before == now
        assert Certificate.objects.count() == 2
    finally:
        _migrate_to_latest()
