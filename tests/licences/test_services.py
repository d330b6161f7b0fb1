"""Issuing licences on approval and their lifecycle, as holders and staff live it."""

import datetime as dt
import hashlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from govserve.accounts.models import Representation
from govserve.audit.models import ArchiveEntry
from govserve.cases import services as case_services
from govserve.cases.models import CaseDocument, CaseState, DocumentKind, Notification
from govserve.core.errors import Refused
from govserve.core.models import Serial
from govserve.licences import services
from govserve.licences.errors import LicenceError
from govserve.licences.identifiers import parse_identifier
from govserve.licences.models import LICENCE_SERIAL, Licence, LicenceEvent, LicenceStatus
from govserve.signing import seals, signing
from tests.accounts.factories import OrganisationFactory
from tests.cases.worlds import build_world, pdf
from tests.licences.worlds import (
    FOOD_FIELDS,
    FOOD_FORM,
    MINISTRY_USCC,
    add_form_fields,
    approved_case,
    make_licence_type,
    staff_user,
)

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _pdf_bytes(licence: Licence) -> bytes:
    with licence.pdf.open("rb") as handle:
        return handle.read()


# -- issuing on approval ---------------------------------------------------------------------------
def test_approving_a_case_issues_a_signed_licence_to_the_applicant(world, food_licence_type):
    case = approved_case(world, form_data=dict(FOOD_FORM))
    licence = Licence.objects.get(source_case=case)

    parsed = parse_identifier(licence.identifier)  # the check character is right
    assert (parsed.type_code, parsed.issuer_uscc, parsed.version) == (
        food_licence_type.type_code,
        world.market.uscc,
        1,
    )
    assert parsed.serial == licence.serial == "00000001"
    assert licence.number == "JY51160200000001"
    assert licence.holder_user == world.applicant and licence.holder_organisation is None
    assert licence.holder_name == "王小明"
    assert licence.holder_id_number == case.applicant_id_number
    assert licence.issuer == world.market and licence.status == LicenceStatus.VALID
    assert licence.data == FOOD_FORM
    assert licence.valid_from == licence.issued_on == _today()
    # 60 months: the day before the same date five years later
    assert licence.valid_until == services.add_months(_today(), 60) - dt.timedelta(days=1)

    data = _pdf_bytes(licence)
    assert hashlib.sha256(data).hexdigest() == licence.pdf_sha256
    check = signing.validate_pdf(data)
    assert check.signed and check.intact and check.valid, check.problems
    assert bytes(licence.signed_data) == services.signed_payload(licence)
    assert signing.sm2_verify(
        bytes(licence.signed_data), bytes(licence.sm2_signature), licence.sm2_certificate
    )
    assert not signing.sm2_verify(
        bytes(licence.signed_data).replace("王小明".encode(), "王小亮".encode()),
        bytes(licence.sm2_signature),
        licence.sm2_certificate,
    )
    assert licence.seal is not None and licence.seal.department == world.market
    assert list(licence.events.values_list("action", flat=True)) == ["issued"]
    assert Notification.objects.filter(
        recipient=world.applicant, subject__contains="食品经营许可证"
    ).exists()
    # the case is decided (and delivered electronically) with its decision document
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.documents.filter(kind=DocumentKind.APPROVAL).exists()


def test_the_licence_is_archived_with_its_content_digest(issued_licence):
    entry = ArchiveEntry.objects.get(licence=issued_licence)
    assert entry.content_sha256  # the archive helper decides what it hashes; it is there


def test_a_case_filed_for_a_business_issues_to_the_business(world, food_licence_type):
    company = OrganisationFactory(name="广安市好味道餐饮有限公司")
    Representation.objects.create(
        organisation=company, person=world.applicant, kind=Representation.Kind.AGENT
    )
    case = approved_case(world, organisation=company, form_data=dict(FOOD_FORM))
    licence = case.licences.get()
    assert licence.holder_organisation == company and licence.holder_user is None
    assert (licence.holder_name, licence.holder_id_number) == (company.name, company.uscc)
    # the agent who applied is told
    assert Notification.objects.filter(
        recipient=world.applicant, subject__contains="电子证照已签发"
    ).exists()


def test_a_bundle_with_licence_types_in_two_departments_issues_two(world):
    food = make_licence_type(world)
    hygiene = make_licence_type(
        world, name="公共场所卫生许可证", type_code=MINISTRY_USCC + "002", validity_months=48
    )
    hygiene.items.set([world.health_item])
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=None,
        bundle=world.bundle,
        uploads=[
            (world.id_card.pk, pdf()),
            (world.floor_plan.pk, pdf()),
            (world.health_item.materials.get(name="卫生检测报告").pk, pdf()),
            (world.fire_item.materials.get(name="消防安全制度").pk, pdf()),
        ],
    )
    case = case_services.accept(case, world.clerk)
    reviewers = {
        world.market.pk: world.market_reviewer,
        world.health.pk: world.health_reviewer,
        world.fire.pk: world.fire_reviewer,
    }
    for case_item in case.case_items.all():
        case_services.record_review(
            case_item, reviewers[case_item.department_id], outcome="approved"
        )
    case_services.decide(case, None, outcome="approved")

    issued = {lic.licence_type: lic for lic in Licence.objects.filter(source_case=case)}
    assert set(issued) == {food, hygiene}
    assert issued[food].issuer == world.market and issued[hygiene].issuer == world.health
    assert parse_identifier(issued[hygiene].identifier).issuer_uscc == world.health.uscc
    assert issued[hygiene].valid_until == services.add_months(_today(), 48) - dt.timedelta(days=1)


def test_a_missing_required_field_refuses_the_approval_and_writes_nothing(world):
    # the form lets the address be left out, the licence needs it
    add_form_fields(world.item, required=False)
    make_licence_type(world, fields=FOOD_FIELDS)
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
        form_data={"business_scope": "预包装食品销售"},
    )
    case = case_services.accept(case, world.clerk)
    with pytest.raises(Refused) as exc:
        case_services.decide(case, world.market_approver, outcome="approved")
    assert isinstance(exc.value, LicenceError)
    assert exc.value.field == "form_data.business_address"
    assert "经营场所" in exc.value.message and "食品经营许可证" in exc.value.message
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.outcome == ""
    assert (
        not Licence.objects.exists()
        and not Serial.objects.filter(scope=LICENCE_SERIAL, last__gt=0).exists()
    )
    assert not CaseDocument.objects.filter(case=case, kind=DocumentKind.APPROVAL).exists()
    assert not ArchiveEntry.objects.filter(kind="licence").exists()


def test_a_refused_approval_leaves_no_signed_file_of_a_first_licence_behind(world, settings):
    """Two licence types; the second cannot be filled: not even the first one's PDF is stored."""
    add_form_fields(world.item, required=False)
    make_licence_type(world)  # no required field: could be issued
    make_licence_type(world, type_code=MINISTRY_USCC + "009", fields=FOOD_FIELDS)
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
        form_data={"business_scope": "预包装食品销售"},
    )
    case = case_services.accept(case, world.clerk)
    with pytest.raises(LicenceError):
        case_services.decide(case, world.market_approver, outcome="approved")
    stored = list((settings.MEDIA_ROOT / "licences").rglob("*.pdf"))
    assert stored == [] and not Licence.objects.exists()


def test_a_bad_value_in_the_form_refuses_the_approval(world):
    make_licence_type(
        world,
        fields=[{"name": "opened_on", "label": "开业日期", "kind": "date", "required": True}],
    )
    from govserve.cases.models import FormField

    # a text field on the form, a date on the licence: the mismatch is caught at approval
    FormField.objects.create(item=world.item, key="opened_on", label="开业日期")
    with pytest.raises(LicenceError) as exc:
        approved_case(world, form_data={"opened_on": "下个月"})
    assert exc.value.field == "form_data.opened_on" and "YYYY-MM-DD" in exc.value.message
    assert not Licence.objects.exists()


def test_an_issuer_without_a_credit_code_is_a_clear_refusal(world, licence_type):
    world.market.uscc = None
    world.market.save()
    with pytest.raises(LicenceError) as exc:
        approved_case(world)
    assert exc.value.field == "issuer" and "统一社会信用代码" in exc.value.message
    assert exc.value.status == 409


def test_serials_count_per_type_and_issuer(world, licence_type):
    first = approved_case(world).licences.get()
    second = approved_case(world).licences.get()
    assert (first.serial, second.serial) == ("00000001", "00000002")
    assert first.identifier != second.identifier


def test_a_long_term_type_has_no_end_date(world):
    make_licence_type(world, validity_months=0)
    licence = approved_case(world).licences.get()
    assert licence.valid_until is None and licence.effective_status() == LicenceStatus.VALID


def test_inactive_types_are_not_issued(world):
    make_licence_type(world, active=False)
    case = approved_case(world)
    assert case.state == CaseState.CLOSED and not case.licences.exists()


# -- change (变更) ---------------------------------------------------------------------------------
def test_a_change_issues_the_next_version_and_supersedes_the_old(world, issued_licence):
    old = issued_licence
    new = services.change(
        old, world.market_approver, data={"business_scope": "预包装食品销售"}, reason="经营项目变更"
    )
    old.refresh_from_db()
    parsed = parse_identifier(new.identifier)
    assert new.identifier.startswith(old.identifier.rsplit(".", 2)[0] + ".002.")
    assert parsed.version == 2 and parsed.serial == old.serial
    assert (new.number, new.valid_until, new.holder_user) == (
        old.number,
        old.valid_until,
        old.holder_user,
    )
    assert new.data["business_scope"] == "预包装食品销售"
    assert new.data["business_address"] == FOOD_FORM["business_address"]
    assert new.supersedes == old and old.superseded_by == new
    assert old.status == LicenceStatus.SUPERSEDED and old.status_reason == "经营项目变更"
    assert new.status == LicenceStatus.VALID
    assert new.pdf_sha256 != old.pdf_sha256 and old.pdf  # the old PDF stays to be verified
    assert signing.sm2_verify(bytes(new.signed_data), bytes(new.sm2_signature), new.sm2_certificate)
    assert list(old.events.values_list("action", flat=True)) == ["issued", "superseded"]
    assert list(new.events.values_list("action", flat=True)) == ["changed"]
    assert Notification.objects.filter(subject__contains="电子证照已变更").count() == 1


def test_a_change_clears_an_optional_field_and_checks_the_rest(world, issued_licence):
    new = services.change(
        issued_licence, world.market_approver, data={"main_form": ""}, reason="业态核减"
    )
    assert "main_form" not in new.data
    with pytest.raises(ValidationError) as exc:
        services.change(new, world.market_approver, data={"business_address": ""}, reason="x")
    assert "data.business_address" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.change(new, world.market_approver, data={"main_form": "批发"}, reason="x")
    assert "data.main_form" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.change(new, world.market_approver, data={"colour": "红"}, reason="x")
    assert "colour" in exc.value.message_dict["data"][0]


def test_a_change_needs_a_reason_real_changes_and_the_current_version(world, issued_licence):
    with pytest.raises(LicenceError) as exc:
        services.change(
            issued_licence, world.market_approver, data={"business_scope": "x"}, reason=" "
        )
    assert exc.value.field == "reason"
    with pytest.raises(LicenceError) as exc:
        services.change(
            issued_licence, world.market_approver, data=dict(FOOD_FORM), reason="重新核对"
        )
    assert exc.value.field == "data"
    services.change(
        issued_licence, world.market_approver, data={"business_scope": "x"}, reason="变更"
    )
    with pytest.raises(LicenceError) as exc:
        services.change(
            issued_licence, world.market_approver, data={"business_scope": "y"}, reason="再变"
        )
    assert exc.value.status == 409 and "新版本" in exc.value.message
    assert Licence.objects.count() == 2


# -- who may act -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who", ["market_reviewer", "health_approver", "clerk", "applicant", "supervisor"]
)
def test_only_approvers_of_the_issuing_department_act(world, issued_licence, who):
    actor = (
        staff_user("supervisor", "supervisor", world.county)
        if who == "supervisor"
        else getattr(world, who)
    )
    for action in (services.suspend, services.revoke):
        with pytest.raises(LicenceError) as exc:
            action(issued_licence, actor, reason="检查发现问题")
        assert exc.value.status == 403
    with pytest.raises(LicenceError) as exc:
        services.change(issued_licence, actor, data={"business_scope": "x"}, reason="变更")
    assert exc.value.status == 403
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.VALID
    assert list(issued_licence.events.values_list("action", flat=True)) == ["issued"]


# -- suspension, resumption, revocation ------------------------------------------------------------
def test_suspend_resume_and_revoke_with_reasons(world, issued_licence):
    approver = world.market_approver
    with pytest.raises(LicenceError) as exc:
        services.suspend(issued_licence, approver, reason="")
    assert exc.value.field == "reason"
    licence = services.suspend(issued_licence, approver, reason="责令停业整顿")
    assert licence.status == LicenceStatus.SUSPENDED and not licence.is_usable()
    with pytest.raises(LicenceError) as exc:
        services.suspend(licence, approver, reason="再次中止")
    assert exc.value.status == 409
    licence = services.resume(licence, approver, reason="整改完成")
    assert licence.status == LicenceStatus.VALID and licence.status_reason == "整改完成"
    licence = services.suspend(licence, approver, reason="再次检查不合格")
    licence = services.revoke(licence, approver, reason="以欺骗手段取得许可")
    assert licence.status == LicenceStatus.REVOKED
    for action, kwargs in (
        (services.resume, {"reason": "申诉"}),
        (services.suspend, {"reason": "x"}),
        (services.revoke, {"reason": "x"}),
        (services.change, {"data": {"business_scope": "x"}, "reason": "x"}),
    ):
        with pytest.raises(LicenceError) as exc:
            action(licence, approver, **kwargs)
        assert exc.value.status == 409 and "撤销" in exc.value.message
    with pytest.raises(LicenceError):
        services.renew(licence, approver)
    assert list(licence.events.values_list("action", flat=True)) == [
        "issued",
        "suspended",
        "resumed",
        "suspended",
        "revoked",
    ]
    revoked_event = licence.events.get(action="revoked")
    assert revoked_event.actor == approver and revoked_event.reason == "以欺骗手段取得许可"
    assert Notification.objects.filter(
        recipient=world.applicant, body__contains="以欺骗手段取得许可"
    ).exists()
    # each status change is archived after the licence itself
    kinds = list(ArchiveEntry.objects.filter(licence=licence).values_list("kind", flat=True))
    assert kinds.count("licence_event") == 4


# -- renewal (延续) --------------------------------------------------------------------------------
def _ending(licence: Licence, days: int) -> Licence:
    licence.valid_until = _today() + dt.timedelta(days=days)
    licence.save(update_fields=["valid_until"])
    return licence


def test_renewal_opens_30_days_before_the_end_date(world, issued_licence):
    licence = _ending(issued_licence, 31)
    with pytest.raises(LicenceError) as exc:
        services.renew(licence, world.market_approver)
    assert exc.value.status == 409 and "30" in exc.value.message
    old_end = _ending(licence, 30).valid_until
    new = services.renew(licence, world.market_approver)
    assert new.version == 2 and new.valid_from == _today()
    assert new.valid_until == services.add_months(
        old_end + dt.timedelta(days=1), 60
    ) - dt.timedelta(days=1)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUPERSEDED
    assert list(new.events.values_list("action", flat=True)) == ["renewed"]


def test_renewal_on_the_last_day_but_not_after_it(world, issued_licence):
    assert services.renew(_ending(issued_licence, 0), world.market_approver).version == 2
    other = approved_case(world, form_data=dict(FOOD_FORM)).licences.get()
    with pytest.raises(LicenceError) as exc:
        services.renew(_ending(other, -1), world.market_approver)
    assert exc.value.status == 409 and "已过期" in exc.value.message


def test_long_term_licences_are_not_renewed(world):
    make_licence_type(world, validity_months=0)
    licence = approved_case(world).licences.get()
    with pytest.raises(LicenceError) as exc:
        services.renew(licence, world.market_approver)
    assert "长期" in exc.value.message


# -- expiry and reminders --------------------------------------------------------------------------
def test_expiry_marks_licences_past_their_end_date_once(world, issued_licence):
    fresh = approved_case(world, form_data=dict(FOOD_FORM)).licences.get()
    _ending(issued_licence, -1)
    assert services.expire_due() == 1
    issued_licence.refresh_from_db()
    fresh.refresh_from_db()
    assert issued_licence.status == LicenceStatus.EXPIRED and fresh.status == LicenceStatus.VALID
    assert issued_licence.events.filter(action="expired").count() == 1
    assert services.expire_due() == 0
    # the end date itself is still a valid day
    assert services.expire_due(on=fresh.valid_until) == 0
    assert services.expire_due(on=fresh.valid_until + dt.timedelta(days=1)) == 1


def test_renewal_reminders_go_once_within_30_days(world, issued_licence):
    later = approved_case(world, form_data=dict(FOOD_FORM)).licences.get()
    _ending(issued_licence, 20)
    _ending(later, 31)
    before = Notification.objects.filter(subject__contains="即将到期").count()
    assert services.send_renewal_reminders() == 1
    assert services.send_renewal_reminders() == 0
    issued_licence.refresh_from_db()
    assert issued_licence.renewal_reminded_on == _today()
    assert Notification.objects.filter(subject__contains="即将到期").count() == before + 1
    assert LicenceEvent.objects.filter(action="renewal_reminded").count() == 1
    # the next day the other one enters the window
    assert services.send_renewal_reminders(on=_today() + dt.timedelta(days=1)) == 1
    # a renewed version starts afresh
    new = services.renew(issued_licence, world.market_approver)
    assert new.renewal_reminded_on is None


# -- concurrency (PostgreSQL) ----------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has a single writer; the race is PG's"
)
def test_concurrent_issues_take_distinct_serials():
    world = build_world()
    licence_type = make_licence_type(world)
    seals.department_seal(world.market)  # the certificate and seal exist before the race
    barrier = threading.Barrier(4)
    serials, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            licence = services.issue(
                licence_type, issuer=world.market, holder_user=world.applicant, data={}
            )
            serials.append(licence.serial)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(serials) == ["00000001", "00000002", "00000003", "00000004"]
