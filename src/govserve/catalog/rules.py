"""Consistency rules of the catalog (DOMAIN.md §1), as one pure function.

The provincial data audits check these; we check them on every save (admin, API, import)
and return field-level messages so the person entering the item sees what to fix.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from .codetables import CaseType, HandlingForm


def check_item(data: Mapping, fees: Sequence[Mapping] | None = None) -> dict[str, list[str]]:
    """Return {field: [message, …]} for every rule `data` breaks (empty when consistent).

    `data` holds the item's fields by model name; `fees` its fee items (None: not known).
    """
    errors: dict[str, list[str]] = defaultdict(list)
    statutory = data.get("statutory_limit_days")
    promised = data.get("promised_limit_days")
    case_type = data.get("case_type")
    # Items imported from public lists may lack elements; they are shown but not actionable.
    complete = data.get("elements_complete", True)

    if statutory is None:
        if complete:
            errors["statutory_limit_days"].append(_("请填写法定办结时限（工作日）"))
    elif statutory < 0:
        errors["statutory_limit_days"].append(_("法定办结时限不能为负数"))
    if promised is None:
        if complete:
            errors["promised_limit_days"].append(_("请填写承诺办结时限（工作日）"))
    elif promised < 0:
        errors["promised_limit_days"].append(_("承诺办结时限不能为负数"))
    elif statutory is not None and statutory >= 0 and promised > statutory:
        errors["promised_limit_days"].append(
            _("承诺办结时限（%(promised)s个工作日）不能超过法定办结时限（%(statutory)s个工作日）")
            % {"promised": promised, "statutory": statutory}
        )
    if promised is not None and promised >= 0 and case_type:
        if promised == 0 and case_type != CaseType.IMMEDIATE:
            errors["case_type"].append(_("承诺时限为即办（0个工作日）时，办件类型应为即办件"))
        if promised > 0 and case_type == CaseType.IMMEDIATE:
            errors["case_type"].append(_("即办件的承诺办结时限应为0个工作日（当场办结）"))

    if complete and not data.get("service_objects"):
        errors["service_objects"].append(_("请至少选择一个服务对象"))
    if complete and not data.get("handling_forms"):
        errors["handling_forms"].append(_("请至少选择一种办理形式"))

    visits = data.get("visits_required") or 0
    if visits < 0:
        errors["visits_required"].append(_("到办事现场次数不能为负数"))
    if visits > 0 and not (data.get("visit_reason") or "").strip():
        errors["visit_reason"].append(_("到办事现场次数大于0时，必须说明需要现场办理的原因"))
    if data.get("fully_online") and visits != 0:
        errors["visits_required"].append(_("全程网办事项的到办事现场次数应为0"))
    if data.get("fully_online") and not data.get("online"):
        errors["online"].append(_("全程网办事项必须网上可办"))
    forms = set(data.get("handling_forms") or [])
    no_post = HandlingForm.POST not in forms or not data.get("supports_delivery")
    if complete and visits == 0 and not data.get("online") and no_post:
        errors["handling_forms"].append(_("零跑动且不能网上办理的事项，必须提供快递申请（办理形式含“快递申请”并支持物流快递）"))

    if data.get("fee_charged"):
        if not (data.get("fee_basis") or "").strip():
            errors["fee_basis"].append(_("收费事项必须填写收费依据"))
        if fees is not None and not fees:
            errors["fees"].append(_("收费事项必须列明收费项目"))
    elif fees:
        errors["fees"].append(_("不收费事项不应列收费项目"))

    consult = "".join((data.get("consult_phone") or "").split())
    complaint = "".join((data.get("complaint_phone") or "").split())
    if consult and complaint and consult == complaint:
        errors["complaint_phone"].append(_("监督投诉电话不能与咨询电话相同"))

    if (data.get("result_name") or "").strip() and not data.get("result_sample"):
        errors["result_sample"].append(_("填写了审批结果名称的，必须提供审批结果样本"))

    return dict(errors)
