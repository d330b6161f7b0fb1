"""Sharing a licence with a department and the department's use of it (证照授权与用证).

The holder (or someone acting for the holding organisation) lets one department use one valid
licence for a stated purpose for 1–365 days (`share`), and may withdraw that at any time
(`withdraw`). A department's staff member obtains the licence with `use`: they must state why,
and either hold a live share to their department or handle a case of their department that
carries the licence as a material (免提交). Each use is a LicenceUse row the holder sees, and —
for a person's licence — a PersonalDataAccess row in the accounts log. Each function is one
transaction; a refusal raises LicenceError and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts.models import PersonalDataAccess
from govserve.cases.models import Case, CaseMaterial, MaterialOrigin, MaterialStatus
from govserve.regions.models import Department

from . import selectors
from .errors import LicenceError
from .models import Licence, LicenceShare, LicenceStatus, LicenceUse

MAX_SHARE_DAYS = 365
PURPOSE_MAX = 300


def _purpose(value) -> str:
    purpose = str(value or "").strip()
    if not purpose:
        raise LicenceError("purpose", _("请写明用途（为何需要使用该证照）"))
    if len(purpose) > PURPOSE_MAX:
        raise LicenceError("purpose", _("用途最多 %(max)d 个字") % {"max": PURPOSE_MAX})
    return purpose


def _days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise LicenceError("days", _("授权天数应为 1 至 %(max)d 天") % {"max": MAX_SHARE_DAYS})
    return days


def unusable_reason(licence: Licence, on: dt.date | None = None) -> str:
    """Why the licence may not be shared now, in words ("" when it may)."""
    status = licence.effective_status(on)
    reasons: dict[str, str] = {
        LicenceStatus.EXPIRED: _("该证照已过期，不能授权部门使用；请先办理延续。"),
        LicenceStatus.SUSPENDED: _("该证照已中止，不能授权部门使用。"),
        LicenceStatus.REVOKED: _("该证照已撤销，不能授权部门使用。"),
        LicenceStatus.SUPERSEDED: _("该版本已被新版本替代，请授权使用最新版本。"),
    }
    return "" if status == LicenceStatus.VALID else reasons.get(status, _("该证照当前不可使用。"))


@transaction.atomic
def share(
    licence: Licence, actor, *, department: Department | None, purpose: str, days: int = 30
) -> LicenceShare:
    """授权: let `department` use `licence` for `purpose` until today + `days`."""
    # Under a row lock, so a revocation or change landing now cannot slip past the check.
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if not selectors.is_holder(actor, licence):
        raise LicenceError("licence", _("只有持证人（或其代理人）可以授权使用该证照"), 403)
    reason = unusable_reason(licence)
    if reason:
        raise LicenceError("licence", reason, 409)
    if not isinstance(department, Department):
        raise LicenceError("department", _("请选择使用该证照的部门"))
    purpose = _purpose(purpose)
    days = _days(days)
    return LicenceShare.objects.create(
        licence=licence,
        department=department,
        purpose=purpose,
        granted_by=actor,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )


@transaction.atomic
def withdraw(share: LicenceShare, actor) -> LicenceShare:
    """撤回授权: the department can no longer use the licence through this grant."""
    share = LicenceShare.objects.select_for_update().select_related("licence").get(pk=share.pk)
    if not selectors.is_holder(actor, share.licence):
        raise LicenceError("share", _("只有持证人（或其代理人）可以撤回授权"), 403)
    if share.revoked_at is not None:
        raise LicenceError("share", _("该授权已撤回"), 409)
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    return share


def _case_carries(case: Case, department: Department, licence: Licence) -> bool:
    """The case belongs to `department` (or a bundle item of it does) and carries the licence
    as a material given by the platform (免提交)."""
    own = (
        case.department_id == department.pk
        or case.case_items.filter(department_id=department.pk).exists()
    )
    return own and (
        CaseMaterial.objects.filter(
            case=case, origin=MaterialOrigin.LICENCE, reference=licence.identifier
        )
        .exclude(status=MaterialStatus.REPLACED)
        .exists()
    )


@transaction.atomic
def use(
    licence: Licence,
    actor,
    *,
    department: Department | None,
    purpose: str,
    case: Case | None = None,
    channel: str = "page",
) -> LicenceUse:
    """用证: a staff member of `department` obtains `licence` for `purpose`.

    Allowed with a live share to the department, or — when `case` is given — a case of the
    department carrying the licence as a material. `channel` names where the request came from
    ("page", "api", a system's name) for the personal-data log; the use's own channel (授权查验
    or 办件材料) follows from what allowed it.
    """
    if not isinstance(department, Department):
        raise LicenceError("department", _("请选择以哪个部门的名义用证"))
    if not selectors.acts_for(actor, department):
        raise LicenceError(
            "department", _("您不是%(department)s的工作人员") % {"department": department.name}, 403
        )
    purpose = _purpose(purpose)
    grant = None
    if case is not None:
        if not _case_carries(case, department, licence):
            raise LicenceError("case", _("该办件不属于本部门，或未以此证照作为申请材料"), 403)
        use_channel = LicenceUse.Channel.CASE_MATERIAL
    else:
        reason = unusable_reason(licence)
        if reason:  # shared while valid, since suspended, revoked, superseded or expired
            raise LicenceError("licence", reason, 409)
        # Locked, so a withdrawal at the same moment either comes first (refused) or after.
        grant = (
            selectors.live_shares()
            .select_for_update()
            .filter(licence=licence, department=department)
            .order_by("-created_at", "-pk")
            .first()
        )
        if grant is None:
            raise LicenceError(
                "licence",
                _("持证人未授权%(department)s使用该证照，或授权已撤回、已到期")
                % {"department": department.name},
                403,
            )
        use_channel = LicenceUse.Channel.SHARE
    record = LicenceUse.objects.create(
        licence=licence,
        department=department,
        user=actor,
        channel=use_channel,
        purpose=purpose,
        case=case,
        share=grant,
    )
    if licence.holder_user_id is not None:
        # An organisation's credit code and licence are not personal data; a person's are.
        PersonalDataAccess.objects.create(
            viewer=actor,
            subject_id=licence.holder_user_id,
            fields="licence:holder_name,holder_id_number,data,pdf",
            reason=(
                _("使用电子证照 %(number)s：%(purpose)s")
                % {"number": licence.number, "purpose": purpose}
            )[:300],
            channel=f"licence:{channel}"[:20],
        )
    return record
