"""Admin for certificates and seals: system administrators read them, nobody changes them
there, and a certificate's wrapped key never shows."""

import pytest
from django.urls import reverse

from govserve.accounts.models import Role
from govserve.signing import pki, seals
from tests.cases.worlds import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "Root-2026-pass")


def test_certificates_never_show_the_wrapped_key_and_are_read_only(client, world, superuser):
    seal = seals.department_seal(world.market)
    certificate = pki.signing_certificate(world.market)
    client.force_login(superuser)
    page = client.get(
        reverse("admin:signing_certificate_change", args=[certificate.pk])
    ).content.decode()
    assert "BEGIN CERTIFICATE" in page
    assert "加密私钥" not in page and certificate.key_label not in page
    assert client.get(reverse("admin:signing_certificate_add")).status_code == 403
    seal_page = client.get(reverse("admin:signing_seal_change", args=[seal.pk]))
    assert seal_page.status_code == 200


def test_only_system_administrators_see_certificates(client, world):
    certificate = pki.signing_certificate(world.market)
    url = reverse("admin:signing_certificate_change", args=[certificate.pk])
    client.force_login(staff("sys-admin", Role.SYSTEM_ADMIN, world.county))
    assert client.get(url).status_code == 200
    client.force_login(world.market_reviewer)
    assert client.get(url).status_code == 403
