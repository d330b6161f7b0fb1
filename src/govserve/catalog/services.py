"""Every write to the catalog, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.regions.models import level_for_region

from .codetables import ENDED_STATES
from .errors import LifecycleError
from .models import ImplementationItem, ItemEvent, ItemState
from .rules import item_errors


def snapshot(item: ImplementationItem) -> dict:
    """The item's own fields as JSON, kept with each event."""
    data = model_to_dict(item, exclude=["co_departments", "result_sample"])
    data["result_sample"] = item.result_sample.name if item.result_sample else ""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def record_event(
    item,
    action,
    from_state,
    *,
    effective_date=None,
    reason="",
    document_no="",
    actor=None,
    related=(),
):
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


# Keyed by the action's value: callers pass plain strings, and ItemEvent.Action members are str.
_ALLOWED: dict[str, set[ItemState]] = {
    ItemEvent.Action.PUBLISH: {ItemState.DRAFT},
    ItemEvent.Action.SUSPEND: {ItemState.PUBLISHED},
    ItemEvent.Action.RESUME: {ItemState.SUSPENDED},
    ItemEvent.Action.CANCEL: {ItemState.DRAFT, ItemState.PUBLISHED, ItemState.SUSPENDED},
    ItemEvent.Action.DELEGATE: {ItemState.PUBLISHED, ItemState.SUSPENDED},
    ItemEvent.Action.MERGE: {ItemState.PUBLISHED, ItemState.SUSPENDED},
}
_TARGET: dict[str, ItemState] = {
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
            raise ValidationError(errors)
    if item.state in ENDED_STATES:
        item.end_date = day
    item.save()
    record_event(
        item,
        action,
        before,
        effective_date=day,
        reason=reason,
        document_no=document_no,
        actor=actor,
    )
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
                _("“%(region)s”不是“%(here)s”的下级区划，不能下放")
                % {"region": region, "here": item.region},
                field="targets",
            )
        if department.region_id != region.id:
            raise LifecycleError(
                _("承接部门“%(dept)s”不属于“%(region)s”") % {"dept": department, "region": region},
                field="targets",
            )
        created.append(
            copy_item(
                item, region=region, department=department, effective_date=day, delegated_from=item
            )
        )
    before = item.state
    item.state = ItemState.DELEGATED
    item.end_date = day
    item.save()
    record_event(
        item,
        ItemEvent.Action.DELEGATE,
        before,
        effective_date=day,
        reason=reason,
        document_no=document_no,
        actor=actor,
        related=created,
    )
    for copy in created:
        record_event(
            copy,
            ItemEvent.Action.PUBLISH,
            ItemState.DRAFT,
            effective_date=day,
            reason=f"承接上级下放事项：{item.name}",
            document_no=document_no,
            actor=actor,
        )
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
        record_event(
            item,
            ItemEvent.Action.MERGE,
            before,
            effective_date=day,
            reason=reason,
            document_no=document_no,
            actor=actor,
            related=[into],
        )
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
def revise_item(
    item: ImplementationItem, changes: dict, *, reason: str = "", actor=None
) -> ImplementationItem:
    """修订: change fields of an item, raise its version and keep the old one in the history."""
    item = ImplementationItem.objects.select_for_update().get(pk=item.pk)
    if item.state in ENDED_STATES:
        raise LifecycleError(_("已终止的事项不能修订"))
    for field, value in changes.items():
        setattr(item, field, value)
    errors = item_errors(item)
    if errors:
        raise ValidationError(errors)
    item.version += 1
    item.save()
    record_event(item, ItemEvent.Action.REVISE, item.state, reason=reason, actor=actor)
    return item
