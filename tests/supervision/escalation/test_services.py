"""The escalation ladder: each step once, counted in working days (holidays excluded), ladders
inherited down the region tree, the targets of each step, red and yellow cards."""

import datetime as dt

import pytest

from govserve.cases.models import CaseState, DeadlineWarning, Notification, WarningLevel
from govserve.supervision.escalation import selectors, services
from govserve.supervision.escalation.models import (
    CardLevel,
    EfficiencyCard,
    Escalation,
    EscalationLadder,
    EscalationStep,
    Target,
)
from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES, OVERDUE_SOURCES
from tests.cases.factories import CaseFactory

DUE = dt.date(2026, 9, 30)  # the day before 国庆 2026 (1–7 October off, 10 October worked)


def late_case(ew, **kwargs):
    kwargs.setdefault("item", ew.item)
    return CaseFactory(state=CaseState.IN_REVIEW, on=dt.date(2026, 9, 1), current_due=DUE, **kwargs)


def steps(case):
    return list(Escalation.objects.filter(case=case).order_by("step").values_list("step", "target"))


def test_the_builtin_sources_and_registries_are_registered():
    assert "case" in OVERDUE_SOURCES and "notice" in OVERDUE_SOURCES
    assert "escalation" in CASE_HISTORY
    for name in (
        "supervision.red_cards",
        "supervision.yellow_cards",
        "supervision.notices",
        "supervision.notices_on_time",
    ):
        assert name in METRIC_SOURCES


def test_each_step_happens_once_and_steps_count_working_days_over_the_holiday(ew):
    case = late_case(ew)
    # 7 October: a week past the deadline, but 国庆 — 0 working days late: the handlers only.
    first = services.escalate(dt.date(2026, 10, 7))
    assert first.escalations == 1
    assert steps(case) == [(0, Target.HANDLER)]
    esc = Escalation.objects.get(case=case)
    assert esc.days_late == 0 and esc.recipients == 2 and esc.key == f"case:{case.pk}:in_review"
    told = set(Notification.objects.filter(case=case).values_list("recipient__username", flat=True))
    assert told == {"esc-reviewer", "esc-approver"}
    # The same day again: nothing new, nobody told twice.
    again = services.escalate(dt.date(2026, 10, 7))
    assert again.escalations == 0 and again.red_cards == 0
    assert Notification.objects.filter(case=case).count() == 2
    # 9 October: 2 working days late → the department head (审批负责人).
    services.escalate(dt.date(2026, 10, 9))
    assert steps(case) == [(0, Target.HANDLER), (1, Target.DEPARTMENT_HEAD)]
    head = Escalation.objects.get(case=case, step=1)
    assert head.recipients == 1 and head.days_late == 2
    # 12 October: 4 working days (the make-up Saturday 10 October counts) — not yet step 3.
    services.escalate(dt.date(2026, 10, 12))
    assert len(steps(case)) == 2
    # 13 October: 5 working days → the supervisors one level up (广安市).
    services.escalate(dt.date(2026, 10, 13))
    top = Escalation.objects.get(case=case, step=2)
    assert top.target == Target.SUPERVISOR_ABOVE and top.days_late == 5
    assert Notification.objects.filter(case=case, recipient=ew.city_sup).exists()
    assert not Notification.objects.filter(case=case, recipient=ew.county_sup).exists()
    services.escalate(dt.date(2026, 10, 20))
    assert Escalation.objects.filter(case=case).count() == 3


def test_a_new_stage_climbs_the_ladder_again(ew):
    case = late_case(ew)
    services.escalate(dt.date(2026, 10, 9))
    assert Escalation.objects.filter(case=case).count() == 2
    case.state = CaseState.DECIDED
    case.current_due = dt.date(2026, 10, 9)
    case.save()
    services.escalate(dt.date(2026, 10, 12))
    keys = set(Escalation.objects.filter(case=case).values_list("key", flat=True))
    assert keys == {f"case:{case.pk}:in_review", f"case:{case.pk}:decided"}


def test_stopped_clocks_and_closed_cases_are_not_escalated(ew):
    late_case(ew, clock_stopped=True)
    CaseFactory(item=ew.item, state=CaseState.CLOSED, current_due=DUE)
    assert services.escalate(dt.date(2026, 10, 20)).escalations == 0


def test_handlers_already_told_by_the_red_warning_are_not_told_again(ew):
    case = late_case(ew)
    DeadlineWarning.objects.create(
        case=case, stage=CaseState.IN_REVIEW, level=WarningLevel.RED, due=DUE, recipients=2
    )
    services.escalate(dt.date(2026, 10, 7))
    esc = Escalation.objects.get(case=case)
    assert esc.recipients == 2
    assert not Notification.objects.filter(case=case).exists()


def test_ladders_are_inherited_by_the_subtree_and_overridden_below(ew):
    assert selectors.ladder_for(ew.county).region is None  # settings default
    city = EscalationLadder.objects.create(region=ew.city)
    EscalationStep.objects.create(ladder=city, days_after=1, target=Target.SUPERVISOR)
    ladder = selectors.ladder_for(ew.town)
    assert ladder.region == ew.city and ladder.steps == ((1, Target.SUPERVISOR),)
    own = EscalationLadder.objects.create(region=ew.sibling)
    EscalationStep.objects.create(ladder=own, days_after=0, target=Target.SUPERVISOR_ABOVE)
    assert selectors.ladder_for(ew.sibling).region == ew.sibling
    assert selectors.ladder_for(ew.county).region == ew.city

    case = late_case(ew)
    services.escalate(dt.date(2026, 10, 7))  # 0 working days late: step "+1" not reached
    assert steps(case) == []
    services.escalate(dt.date(2026, 10, 8))
    assert steps(case) == [(0, Target.SUPERVISOR)]
    assert Notification.objects.filter(case=case, recipient=ew.county_sup).exists()


def test_supervisor_above_of_another_county_is_the_city(ew):
    own = EscalationLadder.objects.create(region=ew.sibling)
    EscalationStep.objects.create(ladder=own, days_after=0, target=Target.SUPERVISOR)
    EscalationStep.objects.create(ladder=own, days_after=0, target=Target.SUPERVISOR_ABOVE)
    case = late_case(ew, item=ew.sibling_item)
    services.escalate(dt.date(2026, 10, 8))
    here = Escalation.objects.get(case=case, target=Target.SUPERVISOR)
    above = Escalation.objects.get(case=case, target=Target.SUPERVISOR_ABOVE)
    assert here.recipients == 1 and above.recipients == 1
    assert Notification.objects.filter(case=case, recipient=ew.sibling_sup).exists()
    assert Notification.objects.filter(case=case, recipient=ew.city_sup).exists()
    assert not Notification.objects.filter(case=case, recipient=ew.county_sup).exists()
    assert not Notification.objects.filter(case=case, recipient=ew.province_sup).exists()


def test_red_card_once_per_stage_for_the_department_and_person(ew):
    case = late_case(ew, filed_by=ew.reviewer)
    services.escalate(dt.date(2026, 10, 7))
    services.escalate(dt.date(2026, 10, 13))
    card = EfficiencyCard.objects.get(level=CardLevel.RED)
    assert card.department == ew.market and card.person == ew.reviewer
    assert card.month == dt.date(2026, 10, 1) and card.case == case
    rows = selectors.card_table(EfficiencyCard.objects.all())
    assert [(r.department, r.red, r.yellow) for r in rows] == [(ew.market.name, 1, 0)]
    metrics = METRIC_SOURCES.get("supervision.red_cards")(dt.date(2026, 10, 1))
    assert [(m.department_id, m.count) for m in metrics] == [(ew.market.pk, 1)]


def test_yellow_card_for_a_case_due_soon_once(ew):
    case = CaseFactory(
        item=ew.item,
        state=CaseState.IN_REVIEW,
        on=dt.date(2026, 9, 1),
        current_due=dt.date(2026, 10, 12),
    )
    result = services.escalate(dt.date(2026, 10, 8))
    assert result.yellow_cards == 1 and result.escalations == 0
    assert services.escalate(dt.date(2026, 10, 9)).yellow_cards == 0
    card = EfficiencyCard.objects.get(case=case)
    assert card.level == CardLevel.YELLOW and card.month == dt.date(2026, 10, 1)


def test_batches_cover_every_late_case(ew):
    cases = [late_case(ew) for _ in range(5)]
    result = services.escalate(dt.date(2026, 10, 7), batch=2)
    assert result.escalations == 5
    assert {e.case_id for e in Escalation.objects.all()} == {c.pk for c in cases}


def test_the_case_history_shows_escalations(ew):
    case = late_case(ew)
    services.escalate(dt.date(2026, 10, 9))
    entries = CASE_HISTORY.get("escalation")(case.pk)
    assert [e.kind for e in entries] == ["升级", "升级"]
    assert "部门审批负责人" in entries[1].text


@pytest.mark.django_db
def test_the_beat_task_name_resolves():
    from govserve.celery import app

    app.loader.import_default_modules()
    name = "govserve.supervision.escalation.tasks.escalate"
    assert name in app.tasks
    assert app.tasks[name]("2026-10-07") == {"escalations": 0, "red_cards": 0, "yellow_cards": 0}


def test_the_management_command_runs_for_a_date(ew):
    from io import StringIO

    from django.core.management import call_command

    late_case(ew)
    out = StringIO()
    call_command("escalate", "--date", "2026-10-09", stdout=out)
    assert "escalations: 2" in out.getvalue()


def test_supervisor_above_is_the_parent_regions_even_without_county_supervisors(ew):
    from govserve.accounts.models import RoleGrant

    RoleGrant.objects.filter(user=ew.county_sup).delete()
    own = EscalationLadder.objects.create(region=ew.county)
    EscalationStep.objects.create(ladder=own, days_after=0, target=Target.SUPERVISOR)
    EscalationStep.objects.create(ladder=own, days_after=1, target=Target.SUPERVISOR_ABOVE)
    case = late_case(ew)
    services.escalate(dt.date(2026, 10, 8))
    here = Escalation.objects.get(case=case, target=Target.SUPERVISOR)
    above = Escalation.objects.get(case=case, target=Target.SUPERVISOR_ABOVE)
    # No supervisor in 广安区: 广安市's supervisor is both the nearest and the parent's.
    assert here.recipients == 1 and above.recipients == 1
    told = Notification.objects.filter(case=case, recipient=ew.city_sup).count()
    assert told == 2
    assert not Notification.objects.filter(case=case, recipient=ew.province_sup).exists()
