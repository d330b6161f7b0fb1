"""Every write to the catalog, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.regions.models import level_for_region

from .codes import parse_basic_code, parse_implementation_code
from .errors import LifecycleError
from .models import ENDED_STATES, ImplementationItem, ItemEvent, ItemState
from .rules import check_item


def item_errors(item: ImplementationItem, fees: list | None = None) -> dict[str, list[str]]:
    """All field-level problems of an item: consistency rules, codes, body and region."""
    data = {f.name: getattr(item, f.name) for f in item._meta.concrete_fields if not f.is_relation}
    if fees is None and item.pk:
        fees = list(item.fees.values("name"))
    errors = check_item(data, fees)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    basic = item.basic_item if item.basic_item_id else None
    if basic is not None and item.item_type and basic.item_type != item.item_type:
        add("item_type", _("事项类型应与基本目录事项一致（%(type)s）") % {"type": basic.get_item_type_display()})
    if item.department_id and item.region_id and item.department.region_id != item.region_id:
        add("department", _("实施主体“%(dept)s”不属于实施区划“%(region)s”") % {"dept": item.department, "region": item.region})
    if item.implementation_code:
        try:
            code = parse_implementation_code(item.implementation_code)
        except Exception as exc:  # ValidationError: keep its message on the field
            add("implementation_code", "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            if item.department_id and code.uscc != item.department.uscc:
                add("implementation_code", _("实施编码中的统一社会信用代码与实施主体不一致"))
            if item.exercise_level and code.level != str(item.exercise_level):
                add("implementation_code", _("实施编码中的行使层级与事项行使层级不一致"))
            if basic is not None and basic.code and str(code.basic) != basic.code:
                add("implementation_code", _("实施编码的后12位应为基本编码“%(code)s”") % {"code": basic.code})
    if basic is not None and basic.code:
        try:
            parse_basic_code(basic.code)
        except Exception as exc:
            add("basic_code", "；".join(getattr(exc, "messages", [str(exc)])))
    if item.exercise_level and item.region_id and item.exercise_level not in (1, 7):
        expected = level_for_region(item.region)
        if item.exercise_level != expected:
            add("exercise_level", _("行使层级与实施区划的层级不一致"))
    if item.state in ENDED_STATES and not item.end_date:
        add("end_date", _("已取消、下放或合并的事项必须有终止日期"))
    if item.state == ItemState.PUBLISHED and not item.effective_date:
        add("effective_date", _("发布的事项必须有生效日期"))
    return errors


def snapshot(item: ImplementationItem) -> dict:
    """The item's own fields as JSON, kept with each event."""
    data = model_to_dict(item, exclude=["co_departments", "result_sample"])
    data["result_sample"] = item.result_sample.name if item.result_sample else ""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def record_event(item, action, from_state, *, effective_date=None, reason="", document_no="", actor=None, related=()):
    event = ItemEvent.objects.create(
        item=item,
        action=action,
        from_state=from_state,
        to_state=item.state,
        effective_date=effective_date or timezone.localdate(),
        reason=reason,
        document_no=document_no,
        version=item.version,
        snapshot=snapshot(item),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    if related:
        event.related_items.set(related)
    return event


_ALLOWED = {
    ItemEvent.Action.PUBLISH: {ItemState.DRAFT},
    ItemEvent.Action.SUSPEND: {ItemState.PUBLISHED},
    ItemEvent.Action.RESUME: {ItemState.SUSPENDED},
    ItemEvent.Action.CANCEL: {ItemState.DRAFT, ItemState.PUBLISHED, ItemState.SUSPENDED},
    ItemEvent.Action.DELEGATE: {ItemState.PUBLISHED, ItemState.SUSPENDED},
    ItemEvent.Action.MERGE: {ItemState.PUBLISHED, ItemState.SUSPENDED},
}
_TARGET = {
    ItemEvent.Action.PUBLISH: ItemState.PUBLISHED,
    ItemEvent.Action.SUSPEND: ItemState.SUSPENDED,
    ItemEvent.Action.RESUME: ItemState.PUBLISHED,
    ItemEvent.Action.CANCEL: ItemState.CANCELLED,
    ItemEvent.Action.DELEGATE: ItemState.DELEGATED,
    ItemEvent.Action.MERGE: ItemState.MERGED,
}


def _check_allowed(item: ImplementationItem, action: str) -> None:
    if item.state not in _ALLOWED[action]:
        raise LifecycleError(
            _("事项当前状态为“%(state)s”，不能执行“%(action)s”")
            % {"state": item.get_state_display(), "action": ItemEvent.Action(action).label}
        )


@transaction.atomic
def change_state(
    item: ImplementationItem,
    action: str,
    *,
    effective_date: dt.date | None = None,
    reason: str = "",
    document_no: str = "",
    actor=None,
) -> ImplementationItem:
    """Publish, suspend, resume or cancel an item, keeping the history."""
    item = ImplementationItem.objects.select_for_update().get(pk=item.pk)
    _check_allowed(item, action)
    day = effective_date or timezone.localdate()
    if action in (ItemEvent.Action.CANCEL,) and not reason.strip():
        raise LifecycleError(_("取消事项必须说明理由"), field="reason")
    before = item.state
    item.state = _TARGET[action]
    if action == ItemEvent.Action.PUBLISH:
        item.effective_date = item.effective_date or day
        errors = item_errors(item)
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)
    if item.state in ENDED_STATES:
        item.end_date = day
    item.save()
    record_event(item, action, before, effective_date=day, reason=reason, document_no=document_no, actor=actor)
    _reindex(item)
    return item


@transaction.atomic
def delegate_item(
    item: ImplementationItem,
    targets: list[tuple],
    *,
    effective_date: dt.date | None = None,
    reason: str = "",
    document_no: str = "",
    actor=None,
) -> list[ImplementationItem]:
    """下放: end the item here and publish a copy at each (region, department) below.

    The copies keep every element of the item and point back to it (`delegated_from`).
    """
    item = ImplementationItem.objects.select_for_update().get(pk=item.pk)
    _check_allowed(item, ItemEvent.Action.DELEGATE)
    if not targets:
        raise LifecycleError(_("请指定承接下放事项的下级区划和部门"), field="targets")
    day = effective_date or timezone.localdate()
    created = []
    for region, department in targets:
        if region.level <= item.region.level or not region.code.startswith(item.region.prefix):
            raise LifecycleError(
                _("“%(region)s”不是“%(here)s”的下级区划，不能下放") % {"region": region, "here": item.region},
                field="targets",
            )
        if department.region_id != region.id:
            raise LifecycleError(_("承接部门“%(dept)s”不属于“%(region)s”") % {"dept": department, "region": region}, field="targets")
        created.append(copy_item(item, region=region, department=department, effective_date=day, delegated_from=item))
    before = item.state
    item.state = ItemState.DELEGATED
    item.end_date = day
    item.save()
    record_event(item, ItemEvent.Action.DELEGATE, before, effective_date=day, reason=reason,
                 document_no=document_no, actor=actor, related=created)
    for copy in created:
        record_event(copy, ItemEvent.Action.PUBLISH, ItemState.DRAFT, effective_date=day,
                     reason=f"承接上级下放事项：{item.name}", document_no=document_no, actor=actor)
    _reindex(item, *created)
    return created


@transaction.atomic
def merge_items(
    items: list[ImplementationItem],
    into: ImplementationItem,
    *,
    effective_date: dt.date | None = None,
    reason: str = "",
    document_no: str = "",
    actor=None,
) -> ImplementationItem:
    """合并: end each item and point it at the item that now covers it."""
    if into.state != ItemState.PUBLISHED:
        raise LifecycleError(_("合并后的事项必须是已发布事项"), field="into")
    day = effective_date or timezone.localdate()
    for item in items:
        item = ImplementationItem.objects.select_for_update().get(pk=item.pk)
        if item.pk == into.pk:
            raise LifecycleError(_("事项不能合并到自身"), field="items")
        _check_allowed(item, ItemEvent.Action.MERGE)
        before = item.state
        item.state = ItemState.MERGED
        item.end_date = day
        item.merged_into = into
        item.save()
        record_event(item, ItemEvent.Action.MERGE, before, effective_date=day, reason=reason,
                     document_no=document_no, actor=actor, related=[into])
        _reindex(item)
    return into


def copy_item(item: ImplementationItem, *, region, department, effective_date, delegated_from=None):
    """A new published item at another body with all elements (materials, fees, duties) copied."""
    materials = list(item.materials.all())
    fees = list(item.fees.all())
    duties = list(item.responsibilities.all())
    co = list(item.co_departments.all())
    copy = ImplementationItem.objects.get(pk=item.pk)
    copy.pk = copy.id = None
    copy.region = region
    copy.department = department
    copy.exercise_level = level_for_region(region)
    copy.implementation_code = None
    copy.local_code = ""
    copy.state = ItemState.PUBLISHED
    copy.effective_date = effective_date
    copy.end_date = None
    copy.version = 1
    copy.delegated_from = delegated_from
    copy.merged_into = None
    copy.save()
    copy.co_departments.set(co)
    for rows in (materials, fees, duties):
        for row in rows:
            row.pk = row.id = None
            row.item = copy
            row.save()
    return copy


@transaction.atomic
def revise_item(item: ImplementationItem, changes: dict, *, reason: str = "", actor=None) -> ImplementationItem:
    """修订: change fields of an item, raise its version and keep the old one in the history."""
    item = ImplementationItem.objects.select_for_update().get(pk=item.pk)
    if item.state in ENDED_STATES:
        raise LifecycleError(_("已终止的事项不能修订"))
    for field, value in changes.items():
        setattr(item, field, value)
    errors = item_errors(item)
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)
    item.version += 1
    item.save()
    record_event(item, ItemEvent.Action.REVISE, item.state, reason=reason, actor=actor)
    _reindex(item)
    return item


def _reindex(*items: ImplementationItem) -> None:
    """Keep the search index in step with the catalog, inside the same transaction."""
    from .search import index as search_index  # search reads the catalog, not the reverse

    search_index.update_items([i.pk for i in items])
