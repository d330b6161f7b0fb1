"""Sharing a licence with a department and the department's use of it: a purpose is always
required, only a valid licence is shared, only the department's staff use it, every use is
recorded, and a refusal writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from govserve.accounts.models import PersonalDataAccess
from govserve.cases import services as case_services
from govserve.cases.models import CaseMaterial, MaterialOrigin
from govserve.licences import selectors, sharing
from govserve.licences.errors import LicenceError
from govserve.licences.models import LicenceShare, LicenceStatus, LicenceUse
from tests.accounts.factories import OrganisationFactory
from tests.cases.worlds import pdf
from tests.licences.test_selectors import make_licence, represent

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(world, licence_type):
    return make_licence(world, licence_type, holder_user=world.applicant)


def share_with_market(world, licence, **kwargs):
    kwargs.setdefault("purpose", "办理食品经营许可变更时核验")
    return sharing.share(licence, world.applicant, department=world.market, **kwargs)


# -- sharing ---------------------------------------------------------------------------------------
def test_the_holder_shares_a_valid_licence_for_a_trimmed_purpose(world, licence):
    grant = share_with_market(world, licence, purpose="  核验经营资格  ", days=45)
    assert grant.purpose == "核验经营资格"
    assert grant.granted_by == world.applicant
    assert grant.expires_on == timezone.localdate() + dt.timedelta(days=45)
    assert grant.revoked_at is None


@pytest.mark.parametrize("purpose", ["", "   ", None])
def test_sharing_needs_a_purpose_and_writes_nothing_without_one(world, licence, purpose):
    with pytest.raises(LicenceError) as refused:
        share_with_market(world, licence, purpose=purpose)
    assert refused.value.field == "purpose"
    assert refused.value.status == 400
    assert "用途" in refused.value.message
    assert not LicenceShare.objects.exists()


@pytest.mark.parametrize("days", [0, -1, 366, "x", None])
def test_a_share_lasts_one_to_365_days(world, licence, days):
    with pytest.raises(LicenceError) as refused:
        share_with_market(world, licence, days=days)
    assert refused.value.field == "days"
    assert not LicenceShare.objects.exists()
    assert share_with_market(world, licence, days=365).expires_on == (
        timezone.localdate() + dt.timedelta(days=365)
    )


def test_a_department_must_be_chosen(world, licence):
    with pytest.raises(LicenceError) as refused:
        sharing.share(licence, world.applicant, department=None, purpose="核验")
    assert refused.value.field == "department"


@pytest.mark.parametrize(
    ("status", "expired", "words"),
    [
        (LicenceStatus.VALID, True, "已过期"),
        (LicenceStatus.REVOKED, False, "已撤销"),
        (LicenceStatus.SUSPENDED, False, "已中止"),
        (LicenceStatus.SUPERSEDED, False, "新版本"),
    ],
)
def test_an_unusable_licence_cannot_be_shared(world, licence_type, status, expired, words):
    today = timezone.localdate()
    licence = make_licence(
        world,
        licence_type,
        status=status,
        issued_on=today - dt.timedelta(days=800),
        valid_until=today - dt.timedelta(days=1) if expired else None,
    )
    with pytest.raises(LicenceError) as refused:
        share_with_market(world, licence)
    assert refused.value.status == 409
    assert words in refused.value.message
    assert not LicenceShare.objects.exists()


def test_only_the_holder_or_the_organisations_agent_shares(world, licence_type, licence):
    with pytest.raises(LicenceError) as refused:
        sharing.share(licence, world.other_applicant, department=world.market, purpose="核验")
    assert refused.value.status == 403
    company = OrganisationFactory()
    business = make_licence(world, licence_type, holder_organisation=company)
    represent(world.other_applicant, company)
    grant = sharing.share(business, world.other_applicant, department=world.health, purpose="核验")
    assert grant.granted_by == world.other_applicant


def test_withdrawing_a_share(world, licence):
    grant = share_with_market(world, licence)
    with pytest.raises(LicenceError) as refused:
        sharing.withdraw(grant, world.other_applicant)
    assert refused.value.status == 403
    assert sharing.withdraw(grant, world.applicant).revoked_at is not None
    with pytest.raises(LicenceError) as again:
        sharing.withdraw(grant, world.applicant)
    assert again.value.status == 409


# -- using ---------------------------------------------------------------------------------------
def test_staff_of_the_shared_department_use_it_and_the_use_is_recorded(world, licence):
    grant = share_with_market(world, licence)
    record = sharing.use(
        licence,
        world.market_reviewer,
        department=world.market,
        purpose=" 核验食品经营许可 ",
        channel="page",
    )
    assert record.licence == licence
    assert record.share == grant
    assert record.user == world.market_reviewer
    assert record.department == world.market
    assert record.purpose == "核验食品经营许可"
    assert record.channel == LicenceUse.Channel.SHARE
    log = PersonalDataAccess.objects.get()
    assert (log.viewer, log.subject) == (world.market_reviewer, world.applicant)
    assert "核验食品经营许可" in log.reason
    assert log.channel == "licence:page"


def test_staff_of_another_department_are_refused_and_nothing_is_recorded(world, licence):
    share_with_market(world, licence)
    with pytest.raises(LicenceError) as refused:
        sharing.use(
            licence, world.health_reviewer, department=world.market, purpose="核验", channel="page"
        )
    assert refused.value.status == 403
    # their own department was not given the licence either
    with pytest.raises(LicenceError) as not_shared:
        sharing.use(
            licence, world.health_reviewer, department=world.health, purpose="核验", channel="page"
        )
    assert not_shared.value.status == 403
    # neither may an applicant pretend to be the department
    with pytest.raises(LicenceError):
        sharing.use(
            licence, world.other_applicant, department=world.market, purpose="核验", channel="page"
        )
    assert not LicenceUse.objects.exists()
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("purpose", ["", "  "])
def test_a_department_without_a_purpose_gets_nothing(world, licence, purpose):
    share_with_market(world, licence)
    with pytest.raises(LicenceError) as refused:
        sharing.use(
            licence, world.market_reviewer, department=world.market, purpose=purpose, channel="api"
        )
    assert (refused.value.field, refused.value.status) == ("purpose", 400)
    assert not LicenceUse.objects.exists()
    assert not PersonalDataAccess.objects.exists()


def test_a_withdrawn_or_ended_share_stops_use(world, licence):
    grant = share_with_market(world, licence)
    sharing.withdraw(grant, world.applicant)
    with pytest.raises(LicenceError) as refused:
        sharing.use(
            licence, world.market_reviewer, department=world.market, purpose="核验", channel="page"
        )
    assert refused.value.status == 403
    ended = share_with_market(world, licence)
    LicenceShare.objects.filter(pk=ended.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(LicenceError):
        sharing.use(
            licence, world.market_reviewer, department=world.market, purpose="核验", channel="page"
        )
    assert not LicenceUse.objects.exists()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (LicenceStatus.REVOKED, "已撤销"),
        (LicenceStatus.SUSPENDED, "已中止"),
        (LicenceStatus.SUPERSEDED, "新版本"),
    ],
)
def test_a_share_given_while_valid_ends_when_the_licence_does(world, licence, status, words):
    share_with_market(world, licence)
    type(licence).objects.filter(pk=licence.pk).update(status=status)
    licence.refresh_from_db()
    assert not selectors.shared_with(world.market).exists()
    with pytest.raises(LicenceError) as refused:
        sharing.use(
            licence, world.market_reviewer, department=world.market, purpose="核验", channel="page"
        )
    assert refused.value.status == 409 and words in refused.value.message
    assert not LicenceUse.objects.exists()


def test_an_organisations_licence_use_is_recorded_but_is_not_personal_data(world, licence_type):
    company = OrganisationFactory()
    represent(world.applicant, company)
    business = make_licence(world, licence_type, holder_organisation=company)
    share_with_market(world, business)
    sharing.use(
        business, world.market_approver, department=world.market, purpose="核验", channel="page"
    )
    assert LicenceUse.objects.get().licence == business
    assert not PersonalDataAccess.objects.exists()


def _case_of_market(world, licence=None):
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    if licence is not None:
        CaseMaterial.objects.create(
            case=case, name="营业执照", origin=MaterialOrigin.LICENCE, reference=licence.identifier
        )
    return case


def test_a_case_carrying_the_licence_lets_its_department_use_it_without_a_share(world, licence):
    case = _case_of_market(world, licence)
    record = sharing.use(
        licence,
        world.market_reviewer,
        department=world.market,
        purpose="审查申请材料",
        case=case,
        channel="page",
    )
    assert record.channel == LicenceUse.Channel.CASE_MATERIAL
    assert record.case == case and record.share is None


def test_a_case_without_the_licence_or_of_another_department_does_not(world, licence):
    bare = _case_of_market(world)
    with pytest.raises(LicenceError) as refused:
        sharing.use(
            licence,
            world.market_reviewer,
            department=world.market,
            purpose="审查",
            case=bare,
            channel="page",
        )
    assert (refused.value.field, refused.value.status) == ("case", 403)
    carrying = _case_of_market(world, licence)
    with pytest.raises(LicenceError):
        sharing.use(
            licence,
            world.health_reviewer,
            department=world.health,
            purpose="审查",
            case=carrying,
            channel="page",
        )
    assert not LicenceUse.objects.exists()
