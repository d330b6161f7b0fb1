"""Code tables of GB/T 39046-2020 Appendix A, as enumerations (DOMAIN.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import AdministrativeLevel  # 行使层级 lives with the bodies

__all__ = [
    "AdministrativeLevel",
    "ItemType",
    "BodyNature",
    "ServiceObject",
    "HandlingForm",
    "CaseType",
    "OnlineDepth",
    "Satisfaction",
    "TongbanScope",
    "AssuranceLevel",
    "POWER_TYPES",
]


class ItemType(models.TextChoices):
    """事项类型."""

    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    RULING = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


# 行政权力 as a group (code 00) is every type but public service.
POWER_TYPES = [t for t in ItemType if t != ItemType.PUBLIC_SERVICE]


class BodyNature(models.TextChoices):
    """实施主体性质."""

    STATUTORY = "1", _("法定机关")
    AUTHORISED = "2", _("授权组织")
    ENTRUSTED = "3", _("受委托组织")
    OTHER = "9", _("其他")


class ServiceObject(models.TextChoices):
    """服务对象."""

    NATURAL_PERSON = "1", _("自然人")
    ENTERPRISE = "2", _("企业法人")
    PUBLIC_INSTITUTION = "3", _("事业法人")
    SOCIAL_ORGANISATION = "4", _("社会组织法人")
    GOVERNMENT = "5", _("行政机关")
    OTHER = "6", _("其他组织")


class HandlingForm(models.TextChoices):
    """办理形式."""

    WINDOW = "1", _("窗口办理")
    ONLINE_PC = "2", _("电脑端网上办理")
    ONLINE_MOBILE = "3", _("移动端网上申请")
    POST = "4", _("快递申请")
    OTHER = "9", _("其他")


class CaseType(models.TextChoices):
    """办件类型."""

    IMMEDIATE = "1", _("即办件")
    PROMISED = "2", _("承诺件")
    OTHER = "9", _("其他")


class OnlineDepth(models.TextChoices):
    """网上办理深度 (multi-valued)."""

    CONSULT = "1", _("互联网咨询")
    RECEIVE = "2", _("收件")
    PRE_REVIEW = "3", _("预审")
    ACCEPT = "4", _("受理")
    HANDLE = "5", _("办理")
    RESULT_FEEDBACK = "6", _("结果信息反馈")
    LICENCE_FEEDBACK = "7", _("电子证照反馈")


class Satisfaction(models.TextChoices):
    """满意度."""

    VERY_SATISFIED = "1", _("非常满意")
    SATISFIED = "2", _("满意")
    BASICALLY = "3", _("基本满意")
    DISSATISFIED = "4", _("不满意")
    VERY_DISSATISFIED = "5", _("非常不满意")


class TongbanScope(models.TextChoices):
    """通办范围."""

    NONE = "", _("不通办")
    NATIONAL = "national", _("全国通办")
    CROSS_PROVINCE = "province", _("跨省通办")
    CROSS_CITY = "city", _("全省通办（跨市）")
    CROSS_COUNTY = "county", _("全市通办（跨县）")


class AssuranceLevel(models.IntegerChoices):
    """实名认证等级: how sure the platform is that an account is the person it names.

    Accounts hold one; an item may require a minimum (an applicant below it cannot apply).
    """

    NONE = 0, _("未实名")
    SELF_DECLARED = 1, _("自行申报")
    COUNTER_VERIFIED = 2, _("窗口核验")
    EXTERNAL_VERIFIED = 3, _("权威身份认证")


class ItemState(models.TextChoices):
    """Lifecycle of an implementation item; only PUBLISHED items can be acted on."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUSPENDED = "suspended", _("暂停实施")
    CANCELLED = "cancelled", _("已取消")
    DELEGATED = "delegated", _("已下放")
    MERGED = "merged", _("已合并")


ENDED_STATES = (ItemState.CANCELLED, ItemState.DELEGATED, ItemState.MERGED)
