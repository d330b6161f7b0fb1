"""申请延续: the holder files the renewal from the wallet within 30 days of the end date; the
issuing case's materials are reused; approving the application renews the same licence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from govserve.cases import services as case_services
from govserve.cases.models import CaseState, MaterialOrigin
from govserve.core.models import Serial
from govserve.licences import services
from govserve.licences.errors import LicenceError
from govserve.licences.models import LICENCE_SERIAL, Licence, LicenceRenewal, LicenceStatus
from tests.licences.worlds import approved_case


def held_licence(world, *, days_left: int) -> Licence:
    licence = approved_case(world).licences.get()
    end = timezone.localdate() + dt.timedelta(days=days_left)
    Licence.objects.filter(pk=licence.pk).update(valid_until=end)
    licence.refresh_from_db()
    return licence


def test_the_holder_applies_in_the_window_and_the_approval_renews_the_licence(world, licence_type):
    licence = held_licence(world, days_left=10)
    case = services.apply_for_renewal(licence, world.applicant)
    assert case.state == CaseState.SUBMITTED and case.item == world.item
    reused = case.materials.filter(origin=MaterialOrigin.REUSED)
    assert {m.material_id for m in reused} == {world.id_card.pk, world.floor_plan.pk}
    assert services.apply_for_renewal(licence, world.applicant).pk == case.pk  # a retry
    assert LicenceRenewal.objects.get().case == case

    case = case_services.accept(case, world.clerk)
    case_services.decide(case, world.market_approver, outcome="approved")

    renewed = Licence.objects.get(supersedes=licence)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUPERSEDED
    assert renewed.version == 2 and renewed.serial == licence.serial
    assert renewed.number == licence.number and renewed.source_case == case
    assert renewed.valid_until > licence.valid_until
    assert Licence.objects.count() == 2 and Serial.objects.get(scope=LICENCE_SERIAL).last == 1


def test_renewal_is_refused_before_the_window_and_for_others(world, licence_type):
    licence = held_licence(world, days_left=90)
    with pytest.raises(LicenceError) as early:
        services.apply_for_renewal(licence, world.applicant)
    assert early.value.status == 409 and "延续" in early.value.message
    with pytest.raises(LicenceError) as other:
        services.apply_for_renewal(licence, world.other_applicant)
    assert other.value.status == 403
    assert not LicenceRenewal.objects.exists()


def test_the_wallet_page_offers_renewal_and_files_it(client, world, licence_type):
    licence = held_licence(world, days_left=5)
    client.force_login(world.applicant)
    page = client.get(reverse("licences:wallet-licence", args=[licence.pk])).content.decode()
    assert "申请延续" in page
    response = client.post(reverse("licences:wallet-renewal", args=[licence.pk]))
    case = LicenceRenewal.objects.get(licence=licence).case
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case", args=[case.pk]
    )
    page = client.get(reverse("licences:wallet-licence", args=[licence.pk])).content.decode()
    assert case.number in page
    client.force_login(world.other_applicant)
    assert client.post(reverse("licences:wallet-renewal", args=[licence.pk])).status_code == 404


def test_the_api_files_a_renewal(world, licence_type):
    licence = held_licence(world, days_left=5)
    api = APIClient()
    api.force_authenticate(world.applicant)
    response = api.post(reverse("licence-wallet-renewal", args=[licence.pk]))
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == LicenceRenewal.objects.get().case.number
    Licence.objects.filter(pk=licence.pk).update(
        valid_until=timezone.localdate() + dt.timedelta(days=200)
    )
    other = approved_case(world).licences.get()
    Licence.objects.filter(pk=other.pk).update(
        valid_until=timezone.localdate() + dt.timedelta(days=200)
    )
    refused = api.post(reverse("licence-wallet-renewal", args=[other.pk]))
    assert refused.status_code == 409 and "licence" in refused.json()


def test_a_renewal_applied_for_in_time_is_granted_after_the_end_date(world, licence_type):
    """Art 50: the decision is due before expiry; a late one still renews what was asked in time."""
    licence = held_licence(world, days_left=3)
    case = case_services.accept(services.apply_for_renewal(licence, world.applicant), world.clerk)
    # The end date passes and the nightly sweep marks the licence expired.
    Licence.objects.filter(pk=licence.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    from govserve.cases.models import Case

    Case.objects.filter(pk=case.pk).update(received_on=timezone.localdate() - dt.timedelta(days=4))
    assert services.expire_due() == 1
    case_services.decide(Case.objects.get(pk=case.pk), world.market_approver, outcome="approved")
    renewed = Licence.objects.get(supersedes=licence)
    assert renewed.is_usable()
