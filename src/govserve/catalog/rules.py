"""Consistency rules of the catalog (DOMAIN.md §1): `check_item` over plain field values, and
`item_errors` over an item with its codes, body and region.

The provincial data audits check these; we check them on every save (admin, API, import)
and return field-level messages so the person entering the item sees what to fix.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from govserve.regions.models import level_for_region

from .codes import parse_basic_code, parse_implementation_code
from .codetables import ENDED_STATES, CaseType, HandlingForm, ItemState

if TYPE_CHECKING:
    from .models import ImplementationItem


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
        errors["handling_forms"].append(
            _("零跑动且不能网上办理的事项，必须提供快递申请（办理形式含“快递申请”并支持物流快递）")
        )

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


def item_errors(item: "ImplementationItem", fees: list | None = None) -> dict[str, list[str]]:
    """All field-level problems of an item: consistency rules, codes, body and region."""
    data = {f.name: getattr(item, f.name) for f in item._meta.concrete_fields if not f.is_relation}
    if fees is None and item.pk:
        fees = list(item.fees.values("name"))
    errors = check_item(data, fees)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    basic = item.basic_item if item.basic_item_id else None
    if basic is not None and item.item_type and basic.item_type != item.item_type:
        add(
            "item_type",
            _("事项类型应与基本目录事项一致（%(type)s）") % {"type": basic.get_item_type_display()},
        )
    if item.department_id and item.region_id and item.department.region_id != item.region_id:
        add(
            "department",
            _("实施主体“%(dept)s”不属于实施区划“%(region)s”")
            % {"dept": item.department, "region": item.region},
        )
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
                add(
                    "implementation_code",
                    _("实施编码的后12位应为基本编码“%(code)s”") % {"code": basic.code},
                )
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
