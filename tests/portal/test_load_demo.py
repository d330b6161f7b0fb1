"""`govserve load_demo` (run by `make run`): the demo loads whole,
through the same rules, twice safely."""

import pytest
from django.core.management import call_command

from govserve.accounts.models import RoleGrant, User
from govserve.catalog.models import Bundle, ImplementationItem, ItemState
from govserve.catalog.search.selectors import search_items
from govserve.regions.models import Department

pytestmark = pytest.mark.django_db


def test_demo_loads_and_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the accepted case starts its process
        call_command("load_demo", no_real_items=True, verbosity=0)
    published = ImplementationItem.objects.filter(state=ItemState.PUBLISHED)
    assert published.count() >= 150
    assert Department.objects.count() >= 10
    assert set(published.values_list("exercise_level", flat=True)) >= {2, 3, 4}
    assert Bundle.objects.filter(published=True).count() >= 3
    assert search_items("开饭店").items[0].name == "食品经营许可"
    reviewer = User.objects.get(username="ga-reviewer")
    assert RoleGrant.objects.get(user=reviewer).department.name == "广安市广安区行政审批局"
    # Demo cases: a bundle waiting for acceptance, an item in review with a task for ga-reviewer.
    from govserve.cases.models import Case, CaseState
    from govserve.workflow.models import Task

    # … and, for the supervisor, cases in every workbench category and months of history.
    assert set(Case.objects.values_list("state", flat=True)) >= {
        CaseState.SUBMITTED,
        CaseState.IN_REVIEW,
        CaseState.DECIDED,
        CaseState.CLOSED,
    }
    cases = Case.objects.count()
    # The demo citizen holds a signed 营业执照 (from an approved 个体工商户设立登记), which the
    # items asking for one attach by themselves.
    from govserve.licences.models import Licence

    # (the 好差评 demo's decided cases may have issued the citizen more licences)
    licence = Licence.objects.filter(holder_user__mobile="13800000001").earliest("pk")
    licences = Licence.objects.count()
    assert licence.licence_type.name == "营业执照" and licence.sm2_signature and licence.pdf
    assert Task.objects.filter(department=RoleGrant.objects.get(user=reviewer).department).exists()
    supervision = _supervision_demo()
    call_command("load_demo", no_real_items=True, verbosity=0)
    assert _supervision_demo() == supervision
    assert ImplementationItem.objects.filter(state=ItemState.PUBLISHED).count() == published.count()
    assert Case.objects.count() == cases and Licence.objects.count() == licences
    assert User.objects.filter(username="ga-reviewer").count() == 1


def _supervision_demo() -> dict[str, int]:
    """What the supervisor sees in the demo: good and bad ratings with a rectification under
    way, tickets in every state, a 督办 notice, escalations, months of statistics."""
    from govserve.supervision.escalation.models import Escalation, SupervisionNotice
    from govserve.supervision.ratings.models import Rating, Rectification, RectificationState
    from govserve.supervision.stats.models import MonthlyFigure
    from govserve.supervision.tickets.models import Ticket, TicketState

    levels = set(Rating.objects.values_list("level", flat=True))
    assert levels & {1, 2} and levels & {4, 5}
    assert Rectification.objects.exclude(state=RectificationState.ACCEPTED).exists()
    assert set(Ticket.objects.values_list("state", flat=True)) == set(TicketState.values)
    assert MonthlyFigure.objects.values("month").distinct().count() >= 6
    # One ladder for all late work: cases, 督办 replies, rectifications and tickets climb it.
    kinds = set(Escalation.objects.values_list("kind", flat=True))
    assert kinds >= {"case", "notice", "rectification", "ticket"}
    return {
        "ratings": Rating.objects.count(),
        "tickets": Ticket.objects.count(),
        "notices": SupervisionNotice.objects.count(),
        "escalations": Escalation.objects.count(),
        "figures": MonthlyFigure.objects.count(),
    }


@pytest.mark.parametrize("kek", [None, "not-a-key"])
def test_demo_without_a_usable_kek_stops_before_loading_anything(monkeypatch, kek):
    """With DEBUG off and no key-encryption key the demo (signed documents and a licence) cannot
    load: the command says so up front, with the command that makes a key, and writes nothing."""
    from django.core.management.base import CommandError

    from govserve.regions.models import Region

    if kek is None:
        monkeypatch.delenv("GOVSERVE_KEY_ENCRYPTION_KEY", raising=False)
    else:
        monkeypatch.setenv("GOVSERVE_KEY_ENCRYPTION_KEY", kek)
    with pytest.raises(CommandError) as refused:
        call_command("load_demo", no_real_items=True, verbosity=0)
    message = str(refused.value)
    assert "GOVSERVE_KEY_ENCRYPTION_KEY" in message
    assert "base64.b64encode(os.urandom(32))" in message
    assert not Region.objects.exists() and not User.objects.exists()
