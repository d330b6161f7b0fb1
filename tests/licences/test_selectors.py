"""The wallet's reads: whose licences someone sees, how versions group, status in words, which
departments a staff member acts for and what is shared with them.

`make_licence` (used by the other wallet tests too) makes Licence rows with LicenceFactory
(tests/licences/factories.py), so these tests do not depend on issuing."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from govserve.accounts.models import Representation, RoleGrant
from govserve.licences import selectors, sharing
from govserve.licences.models import Licence, LicenceShare, LicenceStatus
from tests.accounts.factories import OrganisationFactory
from tests.cases.worlds import PDF_BYTES, staff
from tests.licences.factories import LicenceFactory

pytestmark = pytest.mark.django_db


def make_licence(
    world,
    licence_type,
    *,
    holder_user=None,
    holder_organisation=None,
    issuer=None,
    serial=None,
    version=1,
    status=LicenceStatus.VALID,
    valid_until=None,
    issued_on=None,
    supersedes=None,
    data=None,
) -> Licence:
    """A licence of the world's market department to its applicant unless told otherwise, its
    PDF file the upload stand-in PDF_BYTES (LicenceFactory: nothing is signed)."""
    if holder_user is None and holder_organisation is None:
        holder_user = world.applicant
    today = timezone.localdate()
    extra = {"serial": serial} if serial else {}
    if data is not None:
        extra["data"] = data
    return LicenceFactory(
        licence_type=licence_type,
        issuer=issuer or world.market,
        version=version,
        holder_user=holder_user,
        holder_organisation=holder_organisation,
        issued_on=issued_on or today,
        valid_until=valid_until or today + dt.timedelta(days=5 * 365),
        status=status,
        supersedes=supersedes,
        pdf_content=PDF_BYTES,
        **extra,
    )


def represent(person, organisation, kind=Representation.Kind.AGENT, **kwargs) -> Representation:
    return Representation.objects.create(
        organisation=organisation, person=person, kind=kind, **kwargs
    )


# -- whose licences --------------------------------------------------------------------------------
def test_the_wallet_holds_own_and_represented_organisations_licences_only(world, licence_type):
    company = OrganisationFactory(name="广安市好味道餐饮有限公司")
    represent(world.applicant, company, Representation.Kind.LEGAL_REPRESENTATIVE)
    own = make_licence(world, licence_type, holder_user=world.applicant)
    companys = make_licence(world, licence_type, holder_organisation=company)
    others = make_licence(world, licence_type, holder_user=world.other_applicant)
    someone_elses_company = make_licence(
        world, licence_type, holder_organisation=OrganisationFactory()
    )

    assert set(selectors.wallet(world.applicant)) == {own, companys}
    assert selectors.licence_for_holder(world.applicant, companys.pk) == companys
    for licence in (others, someone_elses_company):
        with pytest.raises(Http404):
            selectors.licence_for_holder(world.applicant, licence.pk)
    with pytest.raises(Http404):
        selectors.licence_for_holder(world.applicant, "not-a-number")
    assert list(selectors.wallet(world.other_applicant)) == [others]


def test_an_agent_sees_the_organisations_licences_until_the_authorisation_ends(world, licence_type):
    company = OrganisationFactory()
    licence = make_licence(world, licence_type, holder_organisation=company)
    agency = represent(world.other_applicant, company)
    assert selectors.licence_for_holder(world.other_applicant, licence.pk) == licence
    assert selectors.is_holder(world.other_applicant, licence)

    agency.revoked_at = timezone.now()
    agency.save()
    assert list(selectors.wallet(world.other_applicant)) == []
    assert not selectors.is_holder(world.other_applicant, licence)
    with pytest.raises(Http404):
        selectors.licence_for_holder(world.other_applicant, licence.pk)

    # an authorisation that has run out is as good as revoked
    represent(world.other_applicant, company, valid_until=timezone.now() - dt.timedelta(minutes=1))
    assert list(selectors.wallet(world.other_applicant)) == []


def test_staff_accounts_have_an_empty_wallet(world, licence_type):
    make_licence(world, licence_type)
    assert list(selectors.wallet(world.market_reviewer)) == []


# -- versions and status in words --------------------------------------------------------------
def test_older_versions_are_grouped_under_the_current_one(world, licence_type):
    today = timezone.localdate()
    v1 = make_licence(
        world,
        licence_type,
        serial="000777",
        status=LicenceStatus.SUPERSEDED,
        issued_on=today - dt.timedelta(days=300),
    )
    v2 = make_licence(world, licence_type, serial="000777", version=2, supersedes=v1)
    other = make_licence(world, licence_type, issued_on=today - dt.timedelta(days=10))

    entries = selectors.wallet_entries(world.applicant)
    assert [(e.current, e.history) for e in entries] == [(v2, [v1]), (other, [])]
    assert list(selectors.versions_of(v1)) == [v2, v1]


@pytest.mark.parametrize(
    ("status", "days_left", "code", "words"),
    [
        (LicenceStatus.VALID, 400, "valid", "有效"),
        (LicenceStatus.VALID, 20, "expiring", "即将到期"),
        (LicenceStatus.VALID, -1, "expired", "已过期"),
        (LicenceStatus.SUSPENDED, 400, "suspended", "已中止"),
        (LicenceStatus.REVOKED, 400, "revoked", "已撤销"),
        (LicenceStatus.SUPERSEDED, 400, "superseded", "已被替代"),
    ],
)
def test_status_in_words(world, licence_type, status, days_left, code, words):
    licence = make_licence(
        world,
        licence_type,
        status=status,
        issued_on=timezone.localdate() - dt.timedelta(days=500),
        valid_until=timezone.localdate() + dt.timedelta(days=days_left),
    )
    assert selectors.status_code(licence) == code
    assert selectors.status_label(code) == words


def test_a_persons_id_is_masked_and_a_companys_credit_code_is_not(world, licence_type):
    company = OrganisationFactory()
    person = make_licence(world, licence_type)
    business = make_licence(world, licence_type, holder_organisation=company)
    masked = selectors.holder_id_masked(person)
    assert masked != world.applicant.id_number
    assert masked.startswith(world.applicant.id_number[:4]) and "*" in masked
    assert selectors.holder_id_masked(business) == company.uscc


def test_licence_data_is_labelled_as_the_type_defines(world, licence_type):
    licence = make_licence(
        world, licence_type, data={"business_scope": "预包装食品销售", "extra": "x"}
    )
    assert selectors.data_rows(licence) == [("经营项目", "预包装食品销售"), ("extra", "x")]


# -- the department's side ------------------------------------------------------------------------
def test_who_acts_for_a_department(world):
    supervisor = staff("supervisor", "supervisor", world.county)
    assert selectors.acts_for(world.market_reviewer, world.market)
    assert selectors.acts_for(world.market_approver, world.market)
    assert not selectors.acts_for(world.health_reviewer, world.market)
    # counter clerks receive for every department of their region (受办分离)
    assert selectors.acts_for(world.clerk, world.market)
    assert not selectors.acts_for(supervisor, world.market)
    assert not selectors.acts_for(world.applicant, world.market)
    assert set(selectors.staff_departments(world.health_reviewer)) == {world.health}

    grant = RoleGrant.objects.get(user=world.health_reviewer)
    grant.revoked_at = timezone.now()
    grant.save()
    assert not selectors.acts_for(world.health_reviewer, world.health)


def test_only_live_shares_are_shared_with_a_department(world, licence_type):
    licence = make_licence(world, licence_type)
    live = sharing.share(
        licence, world.applicant, department=world.market, purpose="核验经营资格", days=10
    )
    withdrawn = sharing.share(licence, world.applicant, department=world.market, purpose="旧用途")
    sharing.withdraw(withdrawn, world.applicant)
    ended = sharing.share(licence, world.applicant, department=world.market, purpose="已到期")
    LicenceShare.objects.filter(pk=ended.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    sharing.share(licence, world.applicant, department=world.health, purpose="卫生许可")

    assert list(selectors.shared_with(world.market)) == [live]
    assert list(selectors.shared_with_staff(world.market_reviewer)) == [live]
    assert {s.department for s in selectors.shared_with_staff(world.clerk)} == {
        world.market,
        world.health,
    }
    assert [s.purpose for s in selectors.shares_of(licence)] == [
        "卫生许可",
        "已到期",
        "旧用途",
        "核验经营资格",
    ]


def test_the_department_picker_searches_by_name(world):
    assert world.health in selectors.department_choices("卫生")
    assert world.market not in selectors.department_choices("卫生")
    # without a search: the issuer's region and the regions above it
    assert set(selectors.department_choices("", near=world.market)) >= {
        world.market,
        world.health,
        world.fire,
    }
