"""免提交, the licences side: which licence of the holder serves a material, why one cannot,
and the use record a submission leaves (tests/cases/test_once_only.py drives it through cases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govserve.accounts.models import Representation
from govserve.cases.models import Case
from govserve.catalog.models import CommonMaterial, MaterialSource
from govserve.licences import once_only
from govserve.licences.models import Licence, LicenceStatus, LicenceUse
from tests.accounts.factories import OrganisationFactory
from tests.catalog.factories import MaterialFactory
from tests.licences.factories import LicenceFactory, licence_pdf


def make_licence(
    world,
    licence_type,
    *,
    holder_user=None,
    holder_organisation=None,
    serial: str = "1",
    version: int = 1,
    valid_until: dt.date | None = None,
    status: str = LicenceStatus.VALID,
    issued_on: dt.date | None = None,
) -> Licence:
    """A licence row as issuing leaves it (PDF stored, digest and SM2 fields filled), made by
    LicenceFactory (unsigned), issued by the world's market department valid for a year."""
    today = timezone.localdate()
    if holder_user is None and holder_organisation is None:
        holder_user = world.applicant
    return LicenceFactory(
        licence_type=licence_type,
        issuer=world.market,
        serial=serial,
        version=version,
        number=f"JY{int(serial):08d}",
        holder_user=holder_user,
        holder_organisation=holder_organisation,
        issued_on=issued_on or today,
        valid_until=valid_until if valid_until is not None else today + dt.timedelta(days=365),
        status=status,
        data={},
        pdf_content=licence_pdf(f"{serial}.{version}"),
    )


def licence_material(world, licence_type, *items, name="食品经营许可证"):
    """The standard material `name` whose source is `licence_type`, required by each item."""
    common = CommonMaterial.objects.create(
        name=name,
        source=MaterialSource.GOVERNMENT_ISSUED,
        licence_type_code=licence_type.type_code,
    )
    return [
        MaterialFactory(
            item=item, name=name, common=common, source=MaterialSource.GOVERNMENT_ISSUED, order=9
        )
        for item in items
    ]


def draft_case(world, *, applicant=None, organisation=None, item=None) -> Case:
    item = item or world.health_item
    return Case(
        item=item,
        region=item.region,
        department=item.department,
        applicant=applicant or world.applicant,
        organisation=organisation,
        title=item.name,
    )


def test_a_valid_licence_of_the_holder_serves_the_material(world, licence_type):
    (material,) = licence_material(world, licence_type, world.health_item)
    licence = make_licence(world, licence_type)
    found = once_only.held_licence_materials(draft_case(world), [material])
    assert list(found) == [(material, licence)]
    assert found.notes == {}


def test_materials_without_a_licence_type_are_not_looked_up(world, licence_type):
    make_licence(world, licence_type)
    found = once_only.held_licence_materials(draft_case(world), [world.id_card])
    assert list(found) == [] and found.notes == {}


@pytest.mark.parametrize(
    ("status", "valid_until_days", "words"),
    [
        (LicenceStatus.VALID, -1, "已过期，请上传材料或先办理延续"),
        (LicenceStatus.SUSPENDED, 300, "已中止，请上传材料"),
        (LicenceStatus.REVOKED, 300, "已撤销或失效，请上传材料"),
    ],
)
def test_an_unusable_licence_is_not_offered_and_says_why(
    world, licence_type, status, valid_until_days, words
):
    (material,) = licence_material(world, licence_type, world.health_item)
    make_licence(
        world,
        licence_type,
        status=status,
        issued_on=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() + dt.timedelta(days=valid_until_days),
    )
    found = once_only.held_licence_materials(draft_case(world), [material])
    assert list(found) == []
    assert words in found.notes[material.merge_key]
    assert "食品经营许可证 JY00000001" in found.notes[material.merge_key]


def test_the_current_version_serves_not_the_superseded_one(world, licence_type):
    (material,) = licence_material(world, licence_type, world.health_item)
    old = make_licence(world, licence_type, status=LicenceStatus.SUPERSEDED)
    new = make_licence(world, licence_type, version=2)
    found = once_only.held_licence_materials(draft_case(world), [material])
    assert [lic for _m, lic in found] == [new] and old.pk != new.pk


def test_someone_elses_licence_never_serves(world, licence_type):
    (material,) = licence_material(world, licence_type, world.health_item)
    make_licence(world, licence_type, holder_user=world.other_applicant)
    found = once_only.held_licence_materials(draft_case(world), [material])
    assert list(found) == [] and found.notes == {}


def test_a_business_licence_serves_the_business_not_its_agent_personally(world, licence_type):
    (material,) = licence_material(world, licence_type, world.health_item)
    company = OrganisationFactory()
    Representation.objects.create(
        organisation=company, person=world.applicant, kind=Representation.Kind.AGENT
    )
    licence = make_licence(world, licence_type, holder_organisation=company)
    for_company = once_only.held_licence_materials(
        draft_case(world, organisation=company), [material]
    )
    personally = once_only.held_licence_materials(draft_case(world), [material])
    assert list(for_company) == [(material, licence)]
    assert list(personally) == []


def test_recording_the_use_names_the_case_and_department(world, licence_type):
    (material,) = licence_material(world, licence_type, world.health_item)
    licence = make_licence(world, licence_type)
    case = draft_case(world)
    case.number = "N-1"
    case.save()
    once_only.held_licence_materials(case, [material], record_use=True)
    use = LicenceUse.objects.get(licence=licence)
    assert use.channel == LicenceUse.Channel.CASE_MATERIAL
    assert use.department == world.health and use.case == case
    assert use.purpose == "办件 N-1 申请材料"
    # a read without record_use leaves no trace
    once_only.held_licence_materials(case, [material])
    assert LicenceUse.objects.filter(licence=licence).count() == 1
