"""Admin for the archive: entries are shown to system administrators, never added, changed or
deleted."""

import pytest
from django.urls import reverse

from govserve.audit.models import ArchiveEntry
from govserve.cases import services as case_services
from tests.cases.worlds import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "Root-2026-pass")


def test_the_archive_is_append_only_in_the_admin(client, world, superuser):
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    case_services.accept(case, world.clerk)  # the acceptance notice is archived
    entry = ArchiveEntry.objects.filter(case=case).first()
    assert entry is not None
    client.force_login(superuser)
    assert (
        client.get(reverse("admin:audit_archiveentry_change", args=[entry.pk])).status_code == 200
    )
    assert client.get(reverse("admin:audit_archiveentry_add")).status_code == 403
    response = client.post(
        reverse("admin:audit_archiveentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ArchiveEntry.objects.filter(pk=entry.pk).exists()
    client.force_login(world.market_reviewer)
    assert client.get(reverse("admin:audit_archiveentry_changelist")).status_code == 403
