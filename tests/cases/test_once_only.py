"""免提交 through the cases app: an application whose item needs a licence the holder has is
complete without uploading it; the platform attaches the licence itself, counts the saved
material and the licence records the use. Online, at the counter, for a business, in a bundle."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from govserve.accounts.models import Representation
from govserve.cases import selectors, services
from govserve.cases.models import Case, CaseState, Channel, MaterialOrigin
from govserve.catalog.models import Material
from govserve.licences.models import LicenceStatus, LicenceUse
from tests.accounts.factories import OrganisationFactory
from tests.cases.worlds import pdf
from tests.licences.test_once_only import licence_material, licence_pdf, make_licence
from tests.licences.worlds import make_licence_type


@pytest.fixture
def licence_type(world):
    return make_licence_type(world)


@pytest.fixture
def needs_licence(world, licence_type):
    """公共场所卫生许可 now also needs the applicant's 食品经营许可证."""
    (material,) = licence_material(world, licence_type, world.health_item)
    return material


def own_uploads(world, *items):
    """A file for every required material of `items` that is the applicant's own."""
    seen, uploads = set(), []
    for item in items:
        for material in Material.objects.filter(item=item, required=True, common__isnull=True):
            key = material.merge_key
            if material.source == "applicant" and key not in seen:
                seen.add(key)
                uploads.append((material.pk, pdf(f"{material.pk}.pdf")))
    return sorted(uploads)


def apply_health(world, *, actor=None, key=None, **kwargs) -> Case:
    kwargs.setdefault("uploads", own_uploads(world, world.health_item))
    case, _created = services.apply(
        actor or world.applicant, idempotency_key=key, item=world.health_item, **kwargs
    )
    return case


def licence_materials(case: Case):
    return list(case.materials.filter(origin=MaterialOrigin.LICENCE))


def test_a_held_licence_is_attached_and_nothing_is_uploaded(world, licence_type, needs_licence):
    licence = make_licence(world, licence_type)
    case = apply_health(world)
    assert case.state == CaseState.SUBMITTED
    (attached,) = licence_materials(case)
    assert attached.material == needs_licence
    assert attached.reference == licence.identifier
    assert attached.content_type == "application/pdf"
    with attached.file.open("rb") as handle:
        assert handle.read() == licence_pdf("1.1")
    assert attached.sha256 == licence.pdf_sha256
    case.refresh_from_db()
    assert case.saved_materials == 1
    use = LicenceUse.objects.get(licence=licence)
    assert use.case == case and use.department == world.health
    assert use.channel == LicenceUse.Channel.CASE_MATERIAL
    assert use.purpose == f"办件 {case.number} 申请材料"
    labels = list(case.events.values_list("label", flat=True))
    assert any("自动获取电子证照" in label and "食品经营许可证" in label for label in labels)
    assert services.missing_materials(case) == []


@pytest.mark.parametrize(
    ("status", "days_left", "words"),
    [
        (LicenceStatus.VALID, -1, "已过期，请上传材料或先办理延续"),
        (LicenceStatus.REVOKED, 300, "已撤销或失效，请上传材料"),
        (LicenceStatus.SUSPENDED, 300, "已中止，请上传材料"),
    ],
)
def test_an_unusable_licence_leaves_the_material_missing_with_a_note(
    world, licence_type, needs_licence, status, days_left, words
):
    make_licence(
        world,
        licence_type,
        status=status,
        issued_on=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() + dt.timedelta(days=days_left),
    )
    with pytest.raises(ValidationError) as refused:
        apply_health(world)
    (message,) = refused.value.message_dict["materials"]
    assert message.startswith("缺少必需材料：食品经营许可证")
    assert words in message
    assert not Case.objects.exists() and not LicenceUse.objects.exists()
    # uploading the material instead works; nothing is counted as saved
    case = apply_health(
        world, uploads=own_uploads(world, world.health_item) + [(needs_licence.pk, pdf("l.pdf"))]
    )
    assert licence_materials(case) == [] and case.saved_materials == 0


def test_someone_elses_licence_is_never_attached(world, licence_type, needs_licence):
    make_licence(world, licence_type, holder_user=world.other_applicant)
    with pytest.raises(ValidationError) as refused:
        apply_health(world)
    assert refused.value.message_dict["materials"] == ["缺少必需材料：食品经营许可证"]
    assert not LicenceUse.objects.exists()


def test_an_agent_filing_for_a_business_gets_the_business_licence(
    world, licence_type, needs_licence
):
    company = OrganisationFactory()
    Representation.objects.create(
        organisation=company, person=world.applicant, kind=Representation.Kind.AGENT
    )
    own = make_licence(world, licence_type, serial="7")
    theirs = make_licence(world, licence_type, serial="8", holder_organisation=company)
    case = apply_health(world, organisation=company)
    (attached,) = licence_materials(case)
    assert attached.reference == theirs.identifier != own.identifier
    assert LicenceUse.objects.get().licence == theirs


def test_a_bundle_needing_the_licence_twice_attaches_it_once(world, licence_type):
    licence_type.items.clear()  # issued elsewhere, not by an item of this bundle
    licence_material(world, licence_type, world.health_item, world.fire_item)
    licence = make_licence(world, licence_type)
    items = [world.item, world.health_item, world.fire_item]
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        bundle=world.bundle,
        uploads=own_uploads(world, *items),
    )
    assert case.state == CaseState.SUBMITTED
    (attached,) = licence_materials(case)
    assert attached.reference == licence.identifier
    assert case.saved_materials == 1
    assert LicenceUse.objects.filter(licence=licence).count() == 1


def test_a_bundle_does_not_ask_for_a_licence_one_of_its_own_items_issues(world, licence_type):
    """开饭店一件事 issues the 食品经营许可证 (world.item) that its other items ask for: nobody
    can hold it yet, so it is not asked — while the same item applied for alone asks it."""
    licence_material(world, licence_type, world.health_item, world.fire_item)
    items = [world.item, world.health_item, world.fire_item]
    spec = selectors.form_spec(bundle=world.bundle)
    slot = next(s for s in spec.materials if s.name == licence_type.name)
    assert slot.provided_by_government
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        bundle=world.bundle,
        uploads=own_uploads(world, *items),
    )
    assert case.state == CaseState.SUBMITTED and not licence_materials(case)
    assert case.saved_materials == 0
    with pytest.raises(ValidationError) as refused:
        apply_health(world)
    assert licence_type.name in str(refused.value)


def test_a_retried_application_attaches_nothing_twice(world, licence_type, needs_licence):
    licence = make_licence(world, licence_type)
    first = apply_health(world, key="once-only-1")
    again = apply_health(world, key="once-only-1")
    assert again.pk == first.pk
    assert len(licence_materials(first)) == 1
    first.refresh_from_db()
    assert first.saved_materials == 1
    assert LicenceUse.objects.filter(licence=licence).count() == 1


def test_the_counter_attaches_it_for_a_walk_in(world, licence_type, needs_licence):
    licence = make_licence(world, licence_type)
    case = apply_health(world, actor=world.clerk, applicant=world.applicant)
    assert case.channel == Channel.COUNTER
    (attached,) = licence_materials(case)
    assert attached.reference == licence.identifier and case.saved_materials == 1


def test_an_upload_for_the_material_is_kept_instead(world, licence_type, needs_licence):
    make_licence(world, licence_type)
    uploads = own_uploads(world, world.health_item) + [(needs_licence.pk, pdf("mine.pdf"))]
    case = apply_health(world, uploads=uploads)
    assert licence_materials(case) == [] and case.saved_materials == 0
    assert not LicenceUse.objects.exists()


def test_without_the_hook_the_material_is_asked(world, licence_type, needs_licence, settings):
    settings.GOVSERVE = {**settings.GOVSERVE, "HELD_LICENCES": ""}
    make_licence(world, licence_type)
    with pytest.raises(ValidationError) as refused:
        apply_health(world)
    assert refused.value.message_dict["materials"] == ["缺少必需材料：食品经营许可证"]


def test_materials_the_government_shares_without_a_licence_type_are_still_not_asked(world):
    # 营业执照 of the world's item is government-issued without a licence type: never asked.
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    assert case.state == CaseState.SUBMITTED and case.saved_materials == 0


# -- the pages -------------------------------------------------------------------------------------
def text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_apply_page_says_the_licence_is_fetched_and_the_case_shows_it(
    client, world, licence_type, needs_licence
):
    licence = make_licence(world, licence_type)
    client.force_login(world.applicant)
    url = reverse("cases:apply-item", args=[world.health_item.pk])
    page = text(client.get(url))
    assert f"已自动获取电子证照“{licence}”，无需提交" in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', client.get(url).content.decode())
    data = {"idempotency_key": key.group(1), "delivery_method": "electronic", "action": "submit"}
    for material_id, upload in own_uploads(world, world.health_item):
        data[f"material_{material_id}"] = upload
    response = client.post(url, data)
    assert response.status_code == 302, text(response)
    case = Case.objects.get()
    assert case.saved_materials == 1
    shown = text(client.get(reverse("cases:case", args=[case.pk])))
    assert "电子证照免提交" in shown and licence.identifier in shown


def test_the_apply_page_says_why_an_expired_licence_is_not_used(
    client, world, licence_type, needs_licence
):
    make_licence(
        world,
        licence_type,
        issued_on=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(world.applicant)
    page = text(client.get(reverse("cases:apply-item", args=[world.health_item.pk])))
    assert "已过期，请上传材料或先办理延续" in page
    assert (
        f'name="material_{needs_licence.pk}"'
        in client.get(reverse("cases:apply-item", args=[world.health_item.pk])).content.decode()
    )


def test_the_counter_page_shows_the_walk_ins_licence(client, world, licence_type, needs_licence):
    licence = make_licence(world, licence_type)
    client.force_login(world.clerk)
    client.post(reverse("cases:counter"), {"id_number": world.applicant.id_number})
    page = text(client.get(reverse("cases:counter-apply-item", args=[world.health_item.pk])))
    assert f"已自动获取电子证照“{licence}”，无需提交" in page
