"""What the case pages share: paging, looking up a case, the counter's applicant, licence slots."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from govserve.accounts.models import AccountType, User
from govserve.catalog.models import Material
from govserve.core.errors import Refused

from .. import selectors, services
from ..models import Case

COUNTER_PERSON = "cases_counter_person"  # session: the applicant the clerk is serving
PAGE_SIZE = 20


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    case = selectors.get_visible_case(request.user, pk)
    if case is None:
        raise Http404(_("办件不存在"))
    return case


def _error_status(exc: Refused | ValidationError) -> int:
    return getattr(exc, "status", 400)


def _counter_person(request: HttpRequest) -> User | None:
    pk = request.session.get(COUNTER_PERSON)
    if not pk:
        return None
    return User.objects.filter(pk=pk, account_type=AccountType.PERSON, is_active=True).first()


def _licence_slots(spec) -> dict[int, Material]:
    """Slots of `spec` whose material is a licence type (slot id → material). They are asked
    (an upload slot) like the applicant's own materials, because only a usable licence of the
    holder supplies them — `services.held_licences` says which, and the page says so."""
    ids = [slot.id for slot in spec.materials if not slot.provided_by_government]
    return {
        m.pk: m
        for m in Material.objects.filter(pk__in=ids, common__isnull=False).select_related("common")
        if services.licence_type_code(m)
    }
