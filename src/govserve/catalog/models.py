"""The service-item catalog (政务服务事项目录): basic items, implementation items and their parts.

Invariants live in `clean()`, which asks `rules.item_errors` (the consistency rules, codes,
body and region; fees when the caller knows them). The search index follows every save
through the `post_save` receiver of `catalog.search`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import AdministrativeLevel, Department, Region

from .codetables import (
    AssuranceLevel,
    BodyNature,
    CaseType,
    HandlingForm,
    ItemState,
    ItemType,
    OnlineDepth,
    ServiceObject,
    TongbanScope,
)
from .fields import MultiChoiceField
from .rules import item_errors


class BasicItem(models.Model):
    """基本目录事项: the item as the standard defines it, before any region implements it.

    `code` is the 12-character national 基本编码; catalogs imported with only a local code
    keep `code` empty and the local code in `local_code`.
    """

    code = models.CharField(_("基本编码"), max_length=12, unique=True, null=True, blank=True)
    local_code = models.CharField(_("地方编码"), max_length=64, blank=True, db_index=True)
    name = models.CharField(_("事项名称"), max_length=300)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("主项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
    )
    guiding_department = models.CharField(_("指导部门"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("基本目录事项")
        verbose_name_plural = _("基本目录事项")
        ordering = ["code", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）" if self.code else self.name


class LegalBasis(models.Model):
    """设定依据: a law or regulation and the article that sets up the item."""

    basic_item = models.ForeignKey(
        BasicItem,
        verbose_name=_("基本目录事项"),
        on_delete=models.CASCADE,
        related_name="legal_bases",
    )
    law = models.CharField(_("法律法规名称"), max_length=300)
    article = models.CharField(_("条款号"), max_length=100, blank=True)
    text = models.TextField(_("条款内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("设定依据")
        verbose_name_plural = _("设定依据")
        ordering = ["basic_item", "order", "id"]

    def __str__(self) -> str:
        return f"{self.law}{self.article}"

    def as_dict(self) -> dict:
        """The exchange format's shape (import, export and API)."""
        return {"law": self.law, "article": self.article, "text": self.text}


class ResultType(models.TextChoices):
    LICENCE = "licence", _("证照")
    APPROVAL_DOCUMENT = "approval", _("批文")
    CERTIFICATE = "certificate", _("证明")
    RECORD = "record", _("备案回执")
    OTHER = "other", _("其他")


class PublishedItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ItemState.PUBLISHED)

    def in_force_on(self, day):
        """Items in the list on `day` (effective, not yet ended), whatever their state now."""
        return self.filter(effective_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=day)
        )

    def in_subtree(self, region: Region):
        return self.filter(region__code__startswith=region.prefix)


class ImplementationItem(models.Model):
    """实施清单事项: a basic item as one body in one region implements it, with all its elements."""

    basic_item = models.ForeignKey(
        BasicItem,
        verbose_name=_("基本目录事项"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    name = models.CharField(_("事项名称"), max_length=300, db_index=True)
    item_type = models.CharField(
        _("事项类型"), max_length=2, choices=ItemType.choices, db_index=True
    )
    implementation_code = models.CharField(
        _("实施编码"), max_length=31, unique=True, null=True, blank=True
    )
    local_code = models.CharField(_("地方编码"), max_length=100, blank=True, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("实施区划"), on_delete=models.PROTECT, related_name="items"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="items"
    )
    body_nature = models.CharField(
        _("实施主体性质"), max_length=1, choices=BodyNature.choices, default=BodyNature.STATUTORY
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("联办机构"), blank=True, related_name="co_items"
    )
    handling_unit = models.CharField(_("办理处（科）室"), max_length=200, blank=True)
    exercise_level = models.PositiveSmallIntegerField(
        _("行使层级"), choices=AdministrativeLevel.choices, db_index=True
    )

    statutory_limit_days = models.PositiveIntegerField(
        _("法定办结时限（工作日）"), null=True, blank=True
    )
    statutory_limit_note = models.CharField(_("法定时限说明"), max_length=500, blank=True)
    promised_limit_days = models.PositiveIntegerField(
        _("承诺办结时限（工作日）"), null=True, blank=True
    )
    promised_limit_note = models.CharField(_("承诺时限说明"), max_length=500, blank=True)
    case_type = models.CharField(
        _("办件类型"), max_length=1, choices=CaseType.choices, default=CaseType.PROMISED
    )

    acceptance_conditions = models.TextField(_("受理条件"), blank=True)
    procedure = models.JSONField(
        _("办理流程"),
        default=list,
        blank=True,
        help_text=_('环节列表：[{"name": …, "description": …}]'),
    )
    intermediary_services = models.TextField(_("中介服务"), blank=True)
    quantity_limit = models.TextField(_("数量限制"), blank=True)

    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    result_type = models.CharField(
        _("审批结果类型"), max_length=20, choices=ResultType.choices, blank=True
    )
    result_sample = models.FileField(_("审批结果样本"), upload_to="samples/results/", blank=True)

    fee_charged = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.TextField(_("收费依据"), blank=True)

    tongban_scope = models.CharField(
        _("通办范围"), max_length=10, choices=TongbanScope.choices, blank=True, default=""
    )
    service_objects = MultiChoiceField(_("服务对象"), choices=ServiceObject.choices)
    handling_forms = MultiChoiceField(_("办理形式"), choices=HandlingForm.choices)
    supports_appointment = models.BooleanField(_("支持预约办理"), default=False)
    supports_online_payment = models.BooleanField(_("支持网上支付"), default=False)
    supports_delivery = models.BooleanField(_("支持物流快递"), default=False)
    online = models.BooleanField(_("网上可办"), default=False)
    online_depth = MultiChoiceField(_("网上办理深度"), choices=OnlineDepth.choices)
    fully_online = models.BooleanField(_("全程网办"), default=False, db_index=True)
    visits_required = models.PositiveSmallIntegerField(_("到办事现场次数"), default=1)
    visit_reason = models.CharField(_("必须现场办理原因"), max_length=500, blank=True)

    place = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=50, blank=True)
    review_body = models.CharField(_("行政复议机关"), max_length=200, blank=True)
    litigation_body = models.CharField(_("行政诉讼机关"), max_length=200, blank=True)
    min_assurance_level = models.PositiveSmallIntegerField(
        _("最低实名认证等级"),
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.SELF_DECLARED,
        help_text=_("申请人账户的实名认证等级低于此等级时不能申请"),
    )
    keywords = models.CharField(
        _("检索关键词"), max_length=300, blank=True, help_text=_("群众常用说法，空格分隔")
    )

    elements_complete = models.BooleanField(
        _("要素完整"),
        default=True,
        help_text=_("从公开清单导入、尚缺时限等要素的事项为否：可公示检索，补齐要素前不能受理申请"),
    )
    source = models.CharField(_("数据来源"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ItemState.choices, default=ItemState.DRAFT, db_index=True
    )
    effective_date = models.DateField(_("生效日期"), null=True, blank=True)
    end_date = models.DateField(_("取消（终止）日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    delegated_from = models.ForeignKey(
        "self",
        verbose_name=_("下放自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegated_to",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PublishedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("实施清单事项")
        verbose_name_plural = _("实施清单事项")
        ordering = ["region__code", "department__name", "name"]
        indexes = [
            models.Index(fields=["region", "state"]),
            models.Index(fields=["department", "state"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = item_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def is_actionable(self) -> bool:
        """清单之外无权力: later parts may act only on a published item with all its elements."""
        return self.state == ItemState.PUBLISHED and self.elements_complete

    @property
    def steps_count(self) -> int:
        return len(self.procedure or [])

    @property
    def basic_code(self) -> str:
        return self.basic_item.code or ""


class Fee(models.Model):
    """收费项目."""

    item = models.ForeignKey(
        ImplementationItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField(_("收费项目名称"), max_length=200)
    standard = models.CharField(_("收费标准"), max_length=300)
    basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    waivable = models.BooleanField(_("是否允许减免"), default=False)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return self.name


class MaterialSource(models.TextChoices):
    """材料来源渠道: what the government already holds need not be asked again."""

    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT_ISSUED = "issued", _("政府部门核发")
    SHARED_DATA = "shared", _("数据共享获取")
    OTHER = "other", _("其他")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    BOTH = "both", _("纸质和电子")


class CommonMaterial(models.Model):
    """标准材料: one material (e.g. 居民身份证) shared by many items, merged in bundles."""

    name = models.CharField(_("材料名称"), max_length=200, unique=True)
    issuing_body = models.CharField(_("出具单位"), max_length=200, blank=True)
    source = models.CharField(
        _("来源渠道"),
        max_length=10,
        choices=MaterialSource.choices,
        default=MaterialSource.APPLICANT,
    )
    licence_type_code = models.CharField(_("电子证照类型代码"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("标准材料")
        verbose_name_plural = _("标准材料")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """申请材料 of one implementation item."""

    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    common = models.ForeignKey(
        CommonMaterial,
        verbose_name=_("标准材料"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uses",
    )
    name = models.CharField(_("材料名称"), max_length=300)
    issuing_body = models.CharField(_("出具单位"), max_length=200, blank=True)
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=0)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    required = models.BooleanField(_("是否必需"), default=True)
    required_note = models.CharField(_("必需说明"), max_length=300, blank=True)
    form = models.CharField(
        _("材料形式"), max_length=10, choices=MaterialForm.choices, default=MaterialForm.BOTH
    )
    source = models.CharField(
        _("来源渠道"),
        max_length=10,
        choices=MaterialSource.choices,
        default=MaterialSource.APPLICANT,
    )
    requirements = models.TextField(_("填报须知"), blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to="samples/forms/", blank=True)
    sample = models.FileField(_("示例样表"), upload_to="samples/materials/", blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def merge_key(self) -> str:
        """Two materials with the same key are asked once in a bundle."""
        return (
            f"common:{self.common_id}" if self.common_id else "name:" + "".join(self.name.split())
        )


class ResponsibilityStage(models.TextChoices):
    ACCEPT = "accept", _("受理责任")
    REVIEW = "review", _("审查责任")
    DECIDE = "decide", _("决定责任")
    DELIVER = "deliver", _("送达责任")
    SUPERVISE = "supervise", _("事后监管责任")
    OTHER = "other", _("其他法律法规规章文件规定应履行的责任")


class Responsibility(models.Model):
    """责任事项 of the responsibility list (责任清单):
    duty per stage and when one is held to account."""

    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    stage = models.CharField(_("责任环节"), max_length=10, choices=ResponsibilityStage.choices)
    duty = models.TextField(_("责任内容"))
    accountability = models.TextField(_("追责情形"), blank=True)
    basis = models.TextField(_("依据"), blank=True)

    class Meta:
        verbose_name = _("责任事项")
        verbose_name_plural = _("责任事项")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.get_stage_display()}"


class ItemEvent(models.Model):
    """事项变更记录: every lifecycle change of an item, with the state before and after.

    The reform ledger (which items were cancelled or delegated between two dates) is a
    query over these rows; `snapshot` keeps the item as it was for revisions.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        PUBLISH = "publish", _("发布")
        REVISE = "revise", _("修订")
        SUSPEND = "suspend", _("暂停")
        RESUME = "resume", _("恢复")
        CANCEL = "cancel", _("取消")
        DELEGATE = "delegate", _("下放")
        MERGE = "merge", _("合并")

    item = models.ForeignKey(
        ImplementationItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("动作"), max_length=10, choices=Action.choices, db_index=True)
    from_state = models.CharField(_("原状态"), max_length=12, choices=ItemState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=ItemState.choices)
    effective_date = models.DateField(_("生效日期"), db_index=True)
    reason = models.TextField(_("理由"), blank=True)
    document_no = models.CharField(_("依据文号"), max_length=200, blank=True)
    related_items = models.ManyToManyField(
        ImplementationItem, verbose_name=_("关联事项"), blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("快照"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事项变更记录")
        verbose_name_plural = _("事项变更记录")
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item.name} {self.get_action_display()} {self.effective_date}"


class Bundle(models.Model):
    """一件事: a life or business event served by items of several departments, applied for once."""

    class Kind(models.TextChoices):
        LIFE = "life", _("个人生活事件")
        BUSINESS = "business", _("企业经营事件")

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("说明"), blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="bundles"
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_bundles"
    )
    items: "models.ManyToManyField[ImplementationItem, BundleItem]" = models.ManyToManyField(
        ImplementationItem, verbose_name=_("包含事项"), through="BundleItem", related_name="bundles"
    )
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    keywords = models.CharField(_("检索关键词"), max_length=300, blank=True)
    published = models.BooleanField(_("已发布"), default=False)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="bundle_links",
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("一件事包含事项")
        verbose_name_plural = _("一件事包含事项")
        ordering = ["bundle", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class NegativeListEntry(models.Model):
    """市场准入负面清单 entry: an activity that is prohibited or allowed only with approval."""

    class Category(models.TextChoices):
        PROHIBITED = "prohibited", _("禁止准入类")
        RESTRICTED = "restricted", _("许可准入类")

    code = models.CharField(_("事项编号"), max_length=20, unique=True)
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    industry = models.CharField(_("行业"), max_length=100)
    activity = models.TextField(_("禁止或许可事项"))
    measures = models.TextField(_("主要管理措施"), blank=True)
    legal_basis = models.TextField(_("设立依据"), blank=True)
    related_items = models.ManyToManyField(
        BasicItem, verbose_name=_("对应审批事项"), blank=True, related_name="negative_entries"
    )

    class Meta:
        verbose_name = _("负面清单事项")
        verbose_name_plural = _("负面清单事项")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.activity[:30]}"


class SearchSynonym(models.Model):
    """检索词典: what citizens type (term) and the official words it means (expansions)."""

    class Kind(models.TextChoices):
        SYNONYM = "synonym", _("同义词")
        LIFE_EVENT = "event", _("生活事件")
        HOMOPHONE = "homophone", _("常见错别字")
        ABBREVIATION = "abbr", _("简称")

    term = models.CharField(_("群众说法"), max_length=100, unique=True)
    expansions = models.CharField(_("对应规范用语"), max_length=500, help_text=_("多个用空格分隔"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.SYNONYM)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检索词典")
        verbose_name_plural = _("检索词典")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansions}"

    @property
    def expansion_list(self) -> list[str]:
        return [w for w in self.expansions.replace("，", " ").replace(",", " ").split() if w]
