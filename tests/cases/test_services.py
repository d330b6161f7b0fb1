"""The application lifecycle through the services, as applicants and staff live it."""

import datetime as dt
import random

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govserve.cases import services
from govserve.cases.errors import CaseError
from govserve.cases.models import (
    Case,
    CaseState,
    Channel,
    ClockSuspension,
    DeliveryMethod,
    DocumentKind,
    Extension,
    FormField,
    MaterialOrigin,
    MaterialStatus,
    Notification,
)
from govserve.catalog.models import ItemState
from tests.cases.worlds import PDF_BYTES, PNG_BYTES, pdf

pytestmark = pytest.mark.django_db


def apply(world, *, key=None, applicant=None, **kwargs):
    kwargs.setdefault("item", world.item)
    kwargs.setdefault(
        "uploads", [(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))]
    )
    case, _created = services.apply(applicant or world.applicant, idempotency_key=key, **kwargs)
    return case


def accepted(world, **kwargs):
    return services.accept(apply(world, **kwargs), world.clerk)


# -- intake --------------------------------------------------------------------------------
def test_online_application_gets_a_national_case_number_and_an_acceptance_deadline(world):
    case = apply(world)
    assert case.state == CaseState.SUBMITTED
    assert case.channel == Channel.ONLINE and case.filed_by is None
    # 办件编号 = 实施编码 (31) + yyyyMMdd + 4-digit daily serial
    assert case.number.startswith(world.item.implementation_code)
    assert len(case.number) == 31 + 8 + 4 and case.number.endswith("0001")
    assert case.acceptance_due and case.acceptance_due > case.received_on
    assert case.current_due == case.acceptance_due
    assert Notification.objects.filter(recipient=world.applicant, case=case).exists()
    second = apply(world)
    assert second.number.endswith("0002")


def test_the_same_idempotency_key_makes_one_case(world):
    first = apply(world, key="double-click")
    # The retry sends the same request again (the same files, read afresh).
    again, created = services.apply(
        world.applicant,
        idempotency_key="double-click",
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    assert not created and again.pk == first.pk
    assert Case.objects.count() == 1


def test_a_used_key_with_another_request_is_refused(world):
    apply(world, key="k")
    with pytest.raises(CaseError) as exc:
        # Same key, another file for the floor plan: another application.
        services.apply(
            world.applicant,
            idempotency_key="k",
            item=world.item,
            uploads=[
                (world.id_card.pk, pdf()),
                (world.floor_plan.pk, pdf("plan.pdf", PDF_BYTES + b"%v2")),
            ],
        )
    assert exc.value.status == 409
    assert Case.objects.count() == 1


@pytest.mark.parametrize("state", [ItemState.DRAFT, ItemState.SUSPENDED, ItemState.CANCELLED])
def test_no_item_in_the_catalog_no_application(world, state):
    world.item.state = state
    world.item.save()
    with pytest.raises(CaseError) as exc:
        apply(world)
    assert exc.value.field == "item" and "清单之外无权力" in exc.value.message
    assert Case.objects.count() == 0


def test_an_incomplete_item_cannot_be_applied_for(world):
    world.item.elements_complete = False
    world.item.save()
    with pytest.raises(CaseError):
        apply(world)


def test_missing_materials_are_all_listed_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as exc:
        apply(world, uploads=[])
    messages = exc.value.message_dict["materials"]
    assert any("申请人身份证明" in m for m in messages) and any(
        "经营场所平面图" in m for m in messages
    )
    # The government-issued licence and the optional material are not asked for.
    assert not any("营业执照" in m or "其他说明材料" in m for m in messages)
    assert Case.objects.count() == 0


def test_required_form_fields_are_checked_server_side(world):
    FormField.objects.create(item=world.item, key="shop_name", label="店名", required=True)
    FormField.objects.create(
        item=world.item,
        key="legal_id",
        label="负责人身份证号",
        field_type="id_number",
        required=True,
    )
    with pytest.raises(ValidationError) as exc:
        apply(world, form_data={"legal_id": "511602199003070000"})
    errors = exc.value.message_dict
    assert "form_data.shop_name" in errors and "form_data.legal_id" in errors
    case = apply(
        world,
        form_data={"shop_name": "老王饭店", "legal_id": world.applicant.id_number, "junk": "x"},
    )
    assert case.form_data == {"shop_name": "老王饭店", "legal_id": world.applicant.id_number}


def test_a_file_whose_content_does_not_match_its_name_is_refused(world):
    fake = SimpleUploadedFile("id.pdf", PNG_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        apply(world, uploads=[(world.id_card.pk, fake), (world.floor_plan.pk, pdf())])
    assert "file" in exc.value.message_dict
    assert Case.objects.count() == 0


def test_a_virus_is_refused(world):
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    infected = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n" + eicar, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        apply(world, uploads=[(world.id_card.pk, infected), (world.floor_plan.pk, pdf())])
    assert "病毒" in exc.value.message_dict["file"][0]


def test_materials_given_before_are_reused_not_uploaded_again(world):
    first = accepted(world)
    source = first.materials.get(material=world.id_card)
    draft = services.create_draft(world.applicant, item=world.item)
    reused = services.reuse_material(
        draft, world.applicant, material_id=world.id_card.pk, source_id=source.pk
    )
    assert reused.origin == MaterialOrigin.REUSED and reused.file.name == source.file.name
    # Someone else's material cannot be reused.
    other = services.create_draft(world.other_applicant, item=world.item)
    with pytest.raises(ValidationError):
        services.reuse_material(
            other, world.other_applicant, material_id=world.id_card.pk, source_id=source.pk
        )


def test_a_clerk_files_for_a_walk_in_applicant_and_the_visit_counts(world):
    draft = services.create_draft(world.clerk, item=world.item, applicant=world.applicant)
    services.add_material(draft, world.clerk, material_id=world.id_card.pk, upload=pdf())
    services.add_material(draft, world.clerk, material_id=world.floor_plan.pk, upload=pdf())
    case = services.submit(draft, world.clerk)
    assert (
        case.channel == Channel.COUNTER
        and case.filed_by == world.clerk
        and case.applicant == world.applicant
    )
    assert case.visits_count == 1
    assert set(case.materials.values_list("origin", flat=True)) == {MaterialOrigin.SCANNED}


def test_only_a_clerk_of_the_region_files_for_someone_else(world):
    with pytest.raises(CaseError) as exc:
        services.create_draft(world.market_reviewer, item=world.item, applicant=world.applicant)
    assert exc.value.status == 403


# -- completeness and acceptance -----------------------------------------------------------
def test_acceptance_starts_the_decision_clock_and_issues_a_notice(world):
    case = accepted(world)
    assert case.state == CaseState.IN_REVIEW and case.accepted_on
    assert case.statutory_limit_days == 20 and case.promised_limit_days == 10
    assert case.promised_due < case.statutory_due
    assert case.current_due == case.promised_due
    assert case.documents.filter(kind=DocumentKind.ACCEPTANCE).exists()
    assert set(case.materials.values_list("status", flat=True)) == {MaterialStatus.ACCEPTED}


def test_receive_separately_handle_centrally(world):
    case = apply(world)
    # A reviewer of another department may not accept; the clerk may not decide.
    with pytest.raises(CaseError):
        services.accept(case, world.health_reviewer)
    case = services.accept(case, world.clerk)
    with pytest.raises(CaseError) as exc:
        services.decide(case, world.clerk, outcome="approved")
    assert exc.value.status == 403


def test_refusal_states_reasons_names_the_right_agency_and_the_rights(world):
    case = apply(world)
    with pytest.raises(ValidationError):
        services.refuse(case, world.clerk, reasons=" ")
    case = services.refuse(
        case, world.clerk, reasons="不属于本机关职权", competent_agency="广安市市场监督管理局"
    )
    assert case.state == CaseState.REFUSED
    text = case.documents.get(kind=DocumentKind.REFUSAL).text
    assert "广安市市场监督管理局" in text and "六十日" in text and "六个月" in text


def test_one_time_notice_lists_everything_once_and_only_once(world):
    case = apply(world)
    plan = case.materials.get(material=world.floor_plan)
    notice = services.request_correction(
        case,
        world.clerk,
        entries=[
            {
                "material": "经营场所平面图",
                "reason": "未标注面积",
                "material_id": world.floor_plan.pk,
            },
            {
                "material": "申请人身份证明",
                "reason": "复印件不清晰",
                "material_id": world.id_card.pk,
            },
        ],
    )
    assert len(notice.entries) == 2
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION and case.current_due is None
    plan.refresh_from_db()
    assert plan.status == MaterialStatus.TO_CORRECT
    # Resubmitting without fixing is refused, listing what is still wrong.
    with pytest.raises(ValidationError):
        services.resubmit(case, world.applicant)
    services.add_material(
        case, world.applicant, material_id=world.floor_plan.pk, upload=pdf("plan2.pdf")
    )
    services.add_material(
        case, world.applicant, material_id=world.id_card.pk, upload=pdf("id2.pdf")
    )
    case = services.resubmit(case, world.applicant)
    assert case.state == CaseState.SUBMITTED and case.acceptance_due
    with pytest.raises(CaseError) as exc:
        services.request_correction(case, world.clerk, entries=[{"material": "x", "reason": "y"}])
    assert exc.value.status == 409
    assert services.accept(case, world.clerk).state == CaseState.IN_REVIEW


def test_a_notice_without_reasons_is_refused(world):
    case = apply(world)
    with pytest.raises(ValidationError) as exc:
        services.request_correction(
            case, world.clerk, entries=[{"material": "经营场所平面图", "reason": ""}]
        )
    assert "entries.0" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_no_decision_in_five_working_days_means_accepted_on_the_day_of_receipt(world):
    case = apply(world)
    assert (
        services.deem_overdue_accepted(case.acceptance_due) == []
    )  # not yet: the due day itself is in time
    day_after = case.acceptance_due + dt.timedelta(days=1)
    assert services.deem_overdue_accepted(day_after) == [case.pk]
    case.refresh_from_db()
    assert (
        case.state == CaseState.IN_REVIEW
        and case.deemed_accepted
        and case.accepted_on == case.received_on
    )
    assert "视为受理" in case.documents.get(kind=DocumentKind.ACCEPTANCE).text
    assert services.deem_overdue_accepted(day_after) == []


# -- clock --------------------------------------------------------------------------------
def test_suspension_needs_a_legal_reason_and_moves_the_deadline(world):
    case = accepted(world)
    with pytest.raises(ValidationError) as exc:
        services.suspend_clock(
            case,
            world.market_reviewer,
            reason="holiday",
            explanation="",
            expected_end=case.accepted_on,
        )
    assert {"reason", "explanation"} <= set(exc.value.message_dict)
    before = case.promised_due
    start = case.accepted_on
    services.suspend_clock(
        case,
        world.market_reviewer,
        reason="inspection",
        explanation="现场核查经营场所",
        expected_end=start + dt.timedelta(days=7),
        starts_on=start,
    )
    case.refresh_from_db()
    assert case.clock_stopped
    assert case.documents.filter(kind=DocumentKind.SUSPENSION).exists()
    with pytest.raises(CaseError):
        services.suspend_clock(
            case,
            world.market_reviewer,
            reason="testing",
            explanation="检测",
            expected_end=start + dt.timedelta(days=9),
            starts_on=start,
        )
    services.resume_clock(case, world.market_reviewer, on=start + dt.timedelta(days=7))
    case.refresh_from_db()
    assert not case.clock_stopped and case.promised_due > before
    assert case.deadline_records.count() >= 3


def test_an_extension_is_approved_by_the_head_and_granted_once(world):
    case = accepted(world)
    with pytest.raises(ValidationError):
        services.request_extension(case, world.market_reviewer, days=11, reasons="情况复杂")
    ext = services.request_extension(case, world.market_reviewer, days=10, reasons="需要补充论证")
    with pytest.raises(CaseError):
        services.decide_extension(ext, world.market_reviewer, approve=True)  # not the head
    with pytest.raises(CaseError):
        services.request_extension(case, world.market_reviewer, days=5, reasons="再延")
    statutory_before = Case.objects.get(pk=case.pk).statutory_due
    services.decide_extension(ext, world.market_approver, approve=True)
    case.refresh_from_db()
    assert case.extension_days == 10 and case.statutory_due > statutory_before
    assert "需要补充论证" in case.documents.get(kind=DocumentKind.EXTENSION).text
    with pytest.raises(CaseError) as exc:
        services.request_extension(case, world.market_reviewer, days=1, reasons="第二次")
    assert exc.value.status == 409 and Extension.objects.filter(case=case).count() == 1


def test_an_immediate_item_is_due_on_the_day_of_acceptance(world):
    world.item.case_type = "1"
    world.item.promised_limit_days = 0
    world.item.save()
    case = accepted(world)
    assert case.statutory_due == case.promised_due == case.accepted_on
    with pytest.raises(ValidationError):
        services.request_extension(case, world.market_reviewer, days=1, reasons="不行")


# -- decision, delivery, withdrawal --------------------------------------------------------
def test_denial_is_written_with_reasons_and_rights(world):
    case = accepted(world)
    with pytest.raises(ValidationError):
        services.decide(case, world.market_approver, outcome="denied")
    case = services.decide(
        case, world.market_approver, outcome="denied", reasons="经营场所不符合要求"
    )
    text = case.documents.get(kind=DocumentKind.DENIAL).text
    assert "经营场所不符合要求" in text and "行政复议" in text and "行政诉讼" in text


def test_pickup_delivery_is_tracked_within_ten_working_days(world):
    case = accepted(world, delivery_method=DeliveryMethod.PICKUP)
    case = services.decide(case, world.market_approver, outcome="approved")
    assert (
        case.state == CaseState.DECIDED
        and case.delivery_due
        and case.current_due == case.delivery_due
    )
    case = services.deliver(case, world.clerk)
    assert case.state == CaseState.CLOSED and case.visits_count == 1


def test_electronic_delivery_closes_on_decision(world):
    case = services.decide(accepted(world), world.market_approver, outcome="approved")
    assert case.state == CaseState.CLOSED and case.delivered_at


def test_withdrawal_before_the_decision_only(world):
    case = accepted(world)
    with pytest.raises(CaseError):
        services.withdraw(case, world.other_applicant)
    assert services.withdraw(case, world.applicant, reason="不开了").state == CaseState.WITHDRAWN
    decided = services.decide(
        accepted(world, delivery_method=DeliveryMethod.PICKUP),
        world.market_approver,
        outcome="approved",
    )
    with pytest.raises(CaseError) as exc:
        services.withdraw(decided, world.applicant)
    assert exc.value.status == 409


def test_a_bundle_is_one_case_with_one_merged_material_list(world):
    health_report = world.health_item.materials.get(name="卫生检测报告")
    fire_rules = world.fire_item.materials.get(name="消防安全制度")
    with pytest.raises(ValidationError) as exc:
        apply(world, item=None, bundle=world.bundle, uploads=[])
    names = " ".join(exc.value.message_dict["materials"])
    # 申请人身份证明 is needed by two items but asked once.
    assert names.count("申请人身份证明") == 1
    case = apply(
        world,
        item=None,
        bundle=world.bundle,
        uploads=[
            (world.id_card.pk, pdf()),
            (world.floor_plan.pk, pdf()),
            (health_report.pk, pdf()),
            (fire_rules.pk, pdf()),
        ],
    )
    assert case.is_bundle and case.case_items.count() == 3
    case = services.accept(case, world.clerk)
    assert (
        case.statutory_limit_days == 45
        and case.max_extension_days == 15
        and case.promised_limit_days == 15
    )


def test_joint_outcome_takes_a_denial_with_its_reasons(world):
    case = services.accept(
        apply(
            world,
            item=None,
            bundle=world.bundle,
            uploads=[
                (world.id_card.pk, pdf()),
                (world.floor_plan.pk, pdf()),
                (world.health_item.materials.get(name="卫生检测报告").pk, pdf()),
                (world.fire_item.materials.get(name="消防安全制度").pk, pdf()),
            ],
        ),
        world.clerk,
    )
    items = {ci.department_id: ci for ci in case.case_items.all()}
    services.record_review(items[world.market.pk], world.market_reviewer, outcome="approved")
    services.record_review(
        items[world.health.pk], world.health_reviewer, outcome="denied", reasons="卫生检测不合格"
    )
    services.record_review(items[world.fire.pk], world.fire_reviewer, outcome="approved")
    outcome, reasons = services.joint_outcome(case)
    assert outcome == "denied" and "卫生健康局：卫生检测不合格" in reasons


# -- deadlines on real cases against chinese-calendar ---------------------------------------
def _reference(start: dt.date, days: int, suspensions: list[tuple[dt.date, dt.date]]) -> dt.date:
    """Counted straight from chinese-calendar, day by day (DOMAIN.md §2 convention)."""
    if days == 0:
        return start
    day, counted = start, 0
    while True:
        day += dt.timedelta(days=1)
        if any(s <= day < e for s, e in suspensions):
            continue
        if chinese_calendar.is_workday(day):
            counted += 1
            if counted == days:
                return day


HARD_DATES = [
    dt.date(2019, 2, 1),
    dt.date(2020, 1, 20),
    dt.date(2021, 2, 7),
    dt.date(2022, 1, 26),
    dt.date(2023, 1, 18),
    dt.date(2024, 2, 4),
    dt.date(2025, 1, 24),
    dt.date(2026, 2, 12),
    dt.date(2019, 9, 25),
    dt.date(2020, 9, 27),
    dt.date(2021, 9, 18),
    dt.date(2023, 9, 28),
    dt.date(2024, 9, 29),
    dt.date(2025, 9, 28),
    dt.date(2022, 12, 20),
    dt.date(2023, 12, 29),
    dt.date(2024, 4, 28),
    dt.date(2025, 4, 27),
    dt.date(2024, 12, 31),
    dt.date(2021, 12, 31),
]


def test_three_hundred_cases_around_holidays_match_chinese_calendar(world):
    rng = random.Random(20261129)
    case = accepted(world)
    for n in range(300):
        start = rng.choice(HARD_DATES) + dt.timedelta(days=rng.randint(-6, 6))
        limit = rng.choice([0, 1, 3, 5, 10, 15, 20, 30, 45])
        extension = rng.choice([0, 0, 0, 5, 10])
        ClockSuspension.objects.filter(case=case).delete()
        periods = []
        cursor = start
        for _ in range(rng.choice([0, 0, 1, 2])):
            s = cursor + dt.timedelta(days=rng.randint(1, 12))
            e = s + dt.timedelta(days=rng.randint(1, 15))
            periods.append((s, e))
            ClockSuspension.objects.create(
                case=case,
                department=world.market,
                reason="expert_review",
                explanation="专家评审",
                starts_on=s,
                expected_end=e,
                ends_on=e,
                requested_by=world.market_reviewer,
            )
            cursor = e
        Case.objects.filter(pk=case.pk).update(
            accepted_on=start,
            statutory_limit_days=limit,
            promised_limit_days=limit,
            extension_days=extension,
        )
        case = services.recompute_deadlines(case, f"test {n}")
        expected = _reference(start, limit + extension, periods) if limit + extension else start
        assert case.statutory_due == expected, (n, start, limit, extension, periods)
        assert not case.due_provisional


def test_the_domain_example(world):
    case = accepted(world)
    Case.objects.filter(pk=case.pk).update(
        accepted_on=dt.date(2026, 9, 30), statutory_limit_days=20
    )
    case = services.recompute_deadlines(case, "example")
    assert case.statutory_due == dt.date(2026, 11, 3)


def test_a_deadline_in_an_unknown_year_is_provisional(world):
    case = accepted(world)
    Case.objects.filter(pk=case.pk).update(
        accepted_on=dt.date(2026, 12, 20), statutory_limit_days=20
    )
    case = services.recompute_deadlines(case, "year end")
    assert case.statutory_due.year == 2027 and case.due_provisional


def test_after_five_working_days_the_law_has_accepted_and_a_late_notice_is_refused(world):
    case = apply(world)
    lapsed = case.received_on - dt.timedelta(days=20)
    Case.objects.filter(pk=case.pk).update(
        received_on=lapsed, acceptance_due=lapsed + dt.timedelta(days=7)
    )
    with pytest.raises(CaseError) as exc:
        services.request_correction(
            case, world.clerk, entries=[{"material": "经营场所平面图", "reason": "不清晰"}]
        )
    assert exc.value.status == 409 and "视为" in exc.value.message
    with pytest.raises(CaseError):
        services.refuse(case, world.clerk, reasons="太晚了")
    case = services.accept(case, world.clerk)
    assert case.deemed_accepted and case.accepted_on == lapsed


def test_green_channel_needs_a_reason_and_the_right_post(world):
    case = apply(world)
    with pytest.raises(CaseError):
        services.set_green_channel(case, world.applicant, on=True, reason="着急")
    with pytest.raises(ValidationError):
        services.set_green_channel(case, world.clerk, on=True, reason="")
    assert services.set_green_channel(case, world.clerk, on=True, reason="重点项目").green_channel


def test_only_the_dates_in_an_unknown_year_are_shown_as_provisional(world):
    from govserve.cases.selectors import deadlines

    case = accepted(world)
    Case.objects.filter(pk=case.pk).update(
        accepted_on=dt.date(2026, 12, 14), statutory_limit_days=20, promised_limit_days=5
    )
    case = services.recompute_deadlines(case, "year end")
    shown = {d.kind: d for d in deadlines(case)}
    assert shown["promised"].due == dt.date(2026, 12, 21) and not shown["promised"].provisional
    assert shown["statutory"].due.year == 2027 and shown["statutory"].provisional
