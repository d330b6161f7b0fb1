"""Reads for cases: which cases someone may see, the acceptance queue, a case's progress as the
applicant and staff see it, what an application form asks for, and notifications.

Staff reads of an applicant's personal data (name, ID number, form contents) are recorded as
accounts.PersonalDataAccess rows (`log_personal_data_read`); ID and mobile numbers leave
masked (accounts.masking) unless revealed through `reveal_applicant`, which the accounts
policy decides and records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts import policies
from govserve.accounts.masking import mask_id_number, mask_mobile
from govserve.accounts.models import DEPARTMENT_ROLES, PersonalDataAccess, Role
from govserve.accounts.selectors import PersonalData, reveal_personal_data
from govserve.catalog.models import Bundle, ImplementationItem, ItemState
from govserve.catalog.selectors import bundle_items
from govserve.workcalendar.calendar import year_table

from . import permissions
from .forms_schema import fields_for
from .models import (
    Case,
    CaseItem,
    CaseMaterial,
    CaseState,
    CorrectionNotice,
    DeliveryMethod,
    Extension,
    FormField,
    MaterialStatus,
    Notification,
)
from .requirements import licences_issued_within, provided_without_asking


# -- who sees which cases -----------------------------------------------------------------------
def visible_cases(user) -> QuerySet[Case]:
    """Cases `user` may list: their own and their organisations'; for staff, those of the
    departments and regions their posts cover (cases.permissions.can_view_case, as a filter).
    Staff do not list applicants' drafts (only drafts they filed themselves)."""
    qs = Case.objects.select_related("item", "bundle", "region", "department")
    if not policies.is_signed_in(user):
        return qs.none()
    if user.is_superuser:
        return qs
    own = Q(applicant_id=user.pk)
    orgs = policies.represented_organisation_ids(user)
    if orgs:
        own |= Q(organisation_id__in=orgs)
    staff = Q(pk__in=[])
    for grant in policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR}):
        part = policies.scope_q([grant])
        if grant.role in DEPARTMENT_ROLES:
            dept = Q(department_id=grant.department_id)
            if grant.role == Role.REVIEWER and grant.department_id is not None:
                # a co-handling department of a bundle reviews its own item of the case
                dept |= Q(
                    Exists(
                        CaseItem.objects.filter(
                            case=OuterRef("pk"), department_id=grant.department_id
                        )
                    )
                )
            part &= dept
        staff |= part
    staff &= ~Q(state=CaseState.DRAFT) | Q(filed_by_id=user.pk)
    return qs.filter(own | staff)


def get_visible_case(user, pk) -> Case | None:
    """The case if `user` may view it (else None: callers answer 404, never 403)."""
    try:
        case = Case.objects.select_related(
            "item", "bundle", "region", "department", "applicant", "organisation", "filed_by"
        ).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        return None
    return case if permissions.can_view_case(user, case) else None


def acceptance_queue(user) -> QuerySet[Case]:
    """受理队列: submitted cases in the regions where `user` is a counter clerk, earliest
    acceptance deadline first."""
    qs = Case.objects.select_related("item", "bundle", "department", "region")
    if not policies.is_signed_in(user):
        return qs.none()
    if not user.is_superuser:
        grants = policies.active_grants(user, [Role.COUNTER_CLERK])
        if not grants:
            return qs.none()
        qs = qs.filter(policies.scope_q(grants))
    return qs.filter(state=CaseState.SUBMITTED).order_by("acceptance_due", "submitted_at", "pk")


def is_clerk(user) -> bool:
    return policies.is_signed_in(user) and (
        user.is_superuser or policies.has_role(user, Role.COUNTER_CLERK)
    )


def counter_regions(user):
    """Regions where `user` receives applications (their clerk grants)."""
    return [g.region for g in policies.active_grants(user, [Role.COUNTER_CLERK])]


def counter_catalog(user, query: str = "") -> tuple[list[ImplementationItem], list[Bundle]]:
    """Actionable items and published bundles of the clerk's regions, for the counter's picker."""
    grants = policies.active_grants(user, [Role.COUNTER_CLERK])
    items = ImplementationItem.objects.filter(
        state=ItemState.PUBLISHED, elements_complete=True
    ).select_related("department", "region")
    bundles = Bundle.objects.filter(published=True).select_related("region")
    if not user.is_superuser:
        items = items.filter(policies.scope_q(grants))
        bundles = bundles.filter(policies.scope_q(grants))
    query = (query or "").strip()
    if query:
        items = items.filter(Q(name__icontains=query) | Q(implementation_code=query))
        bundles = bundles.filter(Q(name__icontains=query) | Q(code__iexact=query))
    return list(items.order_by("department__name", "name")[:200]), list(bundles.order_by("name"))


# -- personal data ------------------------------------------------------------------------------
def log_personal_data_read(viewer, case: Case, *, channel: str) -> None:
    """Record that a staff member read the applicant's personal data on a case (masked or not).
    The applicant reading their own case is not recorded."""
    if permissions.is_case_applicant(viewer, case):
        return
    PersonalDataAccess.objects.create(
        viewer=viewer,
        subject_id=case.applicant_id,
        fields="case:applicant_name,applicant_id_number(masked),form_data",
        reason=_("查阅办件 %(number)s") % {"number": case.number or case.pk},
        channel=channel[:20],
    )


def reveal_applicant(viewer, case: Case, *, reason: str, channel: str) -> PersonalData:
    """The applicant's full ID and mobile numbers on a case: the accounts policy decides and
    records it (raises PermissionDenied / ValidationError). For a business, the number on the
    case is its credit code (not personal data) and the person is the acting agent."""
    return reveal_personal_data(
        viewer, case.applicant, reason=reason, channel=channel, verifying=False
    )


def masked_applicant(case: Case) -> dict:
    return {
        "name": case.applicant_name,
        "id_number": case.applicant_id_number
        if case.organisation_id
        else mask_id_number(case.applicant_id_number),
        "mobile": mask_mobile(case.contact_mobile),
    }


# -- what a form asks for --------------------------------------------------------------------
@dataclass
class MaterialSlot:
    """One material of an application's (merged) list: upload or reuse it as `material_<id>`."""

    id: int
    key: str
    name: str
    required: bool
    provided_by_government: bool
    requirements: str
    originals: int
    copies: int
    item_names: list[str] = field(default_factory=list)


@dataclass
class FormSpec:
    items: list[ImplementationItem]
    bundle: Bundle | None
    fields: list[FormField]
    materials: list[MaterialSlot]

    @property
    def asked_materials(self) -> list[MaterialSlot]:
        return [m for m in self.materials if not m.provided_by_government]


def form_spec(*, item: ImplementationItem | None = None, bundle: Bundle | None = None) -> FormSpec:
    """The fields and the merged material list of an item or a bundle. A material two items
    need is listed once; it is required if any item requires it; materials the government
    issues or shares are listed as provided (not asked)."""
    if bundle is not None:
        items = bundle_items(bundle)
    else:
        assert item is not None, "an item or a bundle"
        items = [item]
    # The same rule as requirements.required_materials: what is asked is what submission checks.
    issued_within = licences_issued_within(items)
    slots: dict[str, MaterialSlot] = {}
    for it in items:
        materials = (
            it.materials.all()
            if bundle is not None
            else it.materials.select_related("common").order_by("order", "id")
        )
        for material in materials:
            key = material.merge_key
            slot = slots.get(key)
            if slot is None:
                slot = slots[key] = MaterialSlot(
                    id=material.pk,
                    key=key,
                    name=material.common.name if material.common is not None else material.name,
                    required=False,
                    provided_by_government=True,
                    requirements=material.requirements,
                    originals=material.originals,
                    copies=material.copies,
                )
            slot.required = slot.required or material.required
            slot.provided_by_government = slot.provided_by_government and provided_without_asking(
                material, issued_within
            )
            if it.name not in slot.item_names:
                slot.item_names.append(it.name)
    return FormSpec(
        items=items, bundle=bundle, fields=fields_for(items), materials=list(slots.values())
    )


def case_form_spec(case: Case) -> FormSpec:
    return form_spec(item=None if case.bundle_id else case.item, bundle=case.bundle)


def reusable_materials(applicant, organisation=None):
    """Materials this applicant gave in earlier cases that were accepted (复用已提交材料)."""
    qs = CaseMaterial.objects.filter(
        case__applicant=applicant, status__in=[MaterialStatus.RECEIVED, MaterialStatus.ACCEPTED]
    )
    qs = qs.filter(case__organisation=organisation).exclude(
        case__state__in=[CaseState.DRAFT, CaseState.REFUSED, CaseState.WITHDRAWN]
    )
    return (
        qs.exclude(file="")
        .select_related("material", "material__common", "case")
        .order_by("-uploaded_at")
    )


def reusable_for(applicant, organisation, spec: FormSpec) -> dict[int, list[CaseMaterial]]:
    """Earlier files of this applicant that fit each slot of the form (same merged material)."""
    by_key: dict[str, list[CaseMaterial]] = {}
    for cm in reusable_materials(applicant, organisation)[:200]:
        if cm.material_id:
            by_key.setdefault(cm.material.merge_key, []).append(cm)
    return {slot.id: by_key.get(slot.key, []) for slot in spec.materials}


# -- progress ------------------------------------------------------------------------------------
@dataclass
class Deadline:
    kind: str
    label: str
    due: dt.date
    provisional: bool
    overdue: bool


@dataclass
class Expectation:
    """Something the applicant has to do now."""

    action: str
    label: str
    entries: list[dict] = field(default_factory=list)


def deadlines(case: Case) -> list[Deadline]:
    """The deadline(s) running now."""
    today = timezone.localdate()
    found: list[tuple[str, str, dt.date | None]] = []
    if case.state == CaseState.SUBMITTED:
        found.append(("acceptance", _("受理期限"), case.acceptance_due))
    elif case.state == CaseState.IN_REVIEW:
        found.append(("promised", _("承诺办结期限"), case.promised_due))
        found.append(("statutory", _("法定办结期限"), case.statutory_due))
    elif case.state == CaseState.DECIDED:
        found.append(("delivery", _("送达期限"), case.delivery_due))
    return [
        Deadline(
            kind=kind,
            label=label,
            due=due,
            # The case's flag covers all its dates; a date in a year the calendar knows is firm.
            provisional=case.due_provisional and year_table(due.year).provisional,
            overdue=due < today and not case.clock_stopped,
        )
        for kind, label, due in found
        if due is not None
    ]


def expectations(case: Case) -> list[Expectation]:
    """What the applicant must do now (补正, pick-up, finishing a draft)."""
    if case.state == CaseState.DRAFT:
        return [Expectation("submit", _("补充申请表和材料后提交申请"))]
    if case.state == CaseState.CORRECTION:
        notice = CorrectionNotice.objects.filter(case=case).first()
        return [
            Expectation(
                "correction",
                _("请按一次性告知书补正以下材料，然后重新提交"),
                entries=list(notice.entries) if notice else [],
            )
        ]
    if case.state == CaseState.DECIDED and case.delivery_method == DeliveryMethod.PICKUP:
        return [
            Expectation(
                "pickup",
                _("请携带身份证件到%(place)s领取办理结果") % {"place": case.hall or _("受理窗口")},
            )
        ]
    return []


def visits_promised(case: Case) -> int:
    """The item's promise of visits (到办事现场次数); a bundle promises the most of its items."""
    values = [ci.item.visits_required for ci in case.case_items.select_related("item")]
    return max(values) if values else case.item.visits_required


def events_for(case: Case, viewer) -> list:
    """Every step; the applicant sees public steps with the actor's role, never a name."""
    qs = case.events.select_related("actor", "department").order_by("at", "pk")
    if permissions.is_case_applicant(viewer, case):
        qs = qs.filter(public=True)
    return list(qs)


def materials_for(case: Case) -> QuerySet[CaseMaterial]:
    return case.materials.select_related("material").order_by("pk")


def current_materials(case: Case) -> list[CaseMaterial]:
    return [cm for cm in materials_for(case) if cm.status != MaterialStatus.REPLACED]


def documents_for(case: Case):
    return case.documents.order_by("issued_at", "pk")


def public_extensions(case: Case):
    return case.extensions.filter(state=Extension.State.APPROVED)


# -- notifications --------------------------------------------------------------------------------
def notifications_for(user) -> QuerySet[Notification]:
    if not policies.is_signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("case")


def unread_count(user) -> int:
    if not policies.is_signed_in(user):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
