"""Cases (办件) and everything that happens to one: materials, the one-time correction notice,
clock suspensions, extensions, decisions, visits, documents and notifications.

Due dates are computed by `services` (working days, DOMAIN.md §2) and stored, so the inbox and
the overdue lists are index scans (DESIGN.md "Deadlines are computed, stored, and indexed").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.catalog.models import Bundle, ImplementationItem, Material
from govserve.regions.models import Department, Region, ServiceHall, ServiceWindow


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    IN_REVIEW = "in_review", _("审查中")
    DECIDED = "decided", _("已决定待送达")
    CLOSED = "closed", _("已办结")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


# The deadline running in each state (stored as `Case.current_due`): field and name.
CURRENT_DEADLINE = {
    CaseState.SUBMITTED: ("acceptance_due", _("受理期限")),
    CaseState.IN_REVIEW: ("promised_due", _("承诺办结期限")),
    CaseState.DECIDED: ("delivery_due", _("送达期限")),
}
OPEN_STATES = (CaseState.SUBMITTED, CaseState.CORRECTION, CaseState.IN_REVIEW, CaseState.DECIDED)
# States in which the applicant may still withdraw (before the decision).
WITHDRAWABLE_STATES = (
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.CORRECTION,
    CaseState.IN_REVIEW,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口受理")
    API = "api", _("部门系统接入")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("准予")
    DENIED = "denied", _("不予")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")


class Case(models.Model):
    """办件: one application for one implementation item or one bundle (一件事)."""

    number = models.CharField(_("办件编号"), max_length=48, unique=True, null=True, blank=True)
    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("单事项办件的事项；一件事办件为牵头事项"),
    )
    bundle = models.ForeignKey(
        Bundle,
        verbose_name=_("一件事"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # No single-column indexes: case_dept_due / case_region_due lead with these columns, so
    # they serve every lookup by department or region and the deadline ranges as well.
    region = models.ForeignKey(
        Region,
        verbose_name=_("办理区划"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    title = models.CharField(_("申请事项"), max_length=300)

    # Who applies. `applicant` is the account that owns the case (the person, or the agent
    # acting for `organisation`); the snapshot fields are what the application says.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账户"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("申请单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_name = models.CharField(_("申请人名称"), max_length=200)
    applicant_id_number = models.CharField(_("申请人证件号码"), max_length=18)
    contact_mobile = models.CharField(_("联系电话"), max_length=11, blank=True)
    channel = models.CharField(
        _("申请渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代填报窗口人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("受理大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    window = models.ForeignKey(
        ServiceWindow,
        verbose_name=_("受理窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_data = models.JSONField(_("申请表内容"), default=dict, blank=True)
    delivery_method = models.CharField(
        _("送达方式"),
        max_length=12,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.ELECTRONIC,
    )
    delivery_address = models.CharField(_("邮寄地址"), max_length=300, blank=True)
    green_channel = models.BooleanField(_("绿色通道"), default=False, db_index=True)
    # 免提交: materials the platform attached itself from licences the applicant holds
    # (统计 "少交材料数").
    saved_materials = models.PositiveSmallIntegerField(_("免提交材料数"), default=0)

    state = models.CharField(
        _("状态"), max_length=12, choices=CaseState.choices, default=CaseState.DRAFT, db_index=True
    )
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    received_on = models.DateField(_("材料接收日期"), null=True, blank=True)
    acceptance_due = models.DateField(_("受理期限"), null=True, blank=True, db_index=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    # Limits copied from the catalog at submission: a later catalog change does not move them.
    statutory_limit_days = models.PositiveIntegerField(
        _("法定时限（工作日）"), null=True, blank=True
    )
    promised_limit_days = models.PositiveIntegerField(
        _("承诺时限（工作日）"), null=True, blank=True
    )
    max_extension_days = models.PositiveIntegerField(_("可延长工作日"), default=10)
    extension_days = models.PositiveIntegerField(_("已延长工作日"), default=0)
    statutory_due = models.DateField(_("法定办结期限"), null=True, blank=True)
    promised_due = models.DateField(_("承诺办结期限"), null=True, blank=True)
    # The date the inbox and overdue lists use: the acceptance deadline before acceptance, the
    # promised decision deadline during review, the delivery deadline after the decision.
    current_due = models.DateField(_("当前期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    clock_stopped = models.BooleanField(_("暂停计时中"), default=False)
    visits_count = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-created_at"]
        indexes = [
            # "What is overdue / due soon here": one range scan per department and region.
            models.Index(fields=["department", "state", "current_due"], name="case_dept_due"),
            models.Index(fields=["region", "state", "current_due"], name="case_region_due"),
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_recent"),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('草稿')} #{self.pk}"

    @property
    def is_bundle(self) -> bool:
        return self.bundle_id is not None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseItem(models.Model):
    """One item inside a case, reviewed by its own department (one per item; a bundle has several)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="case_items"
    )
    item = models.ForeignKey(
        ImplementationItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("审查结论"), max_length=10, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件事项")
        verbose_name_plural = _("办件事项")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="case_item_once")]

    def __str__(self) -> str:
        return self.item.name


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    TEXTAREA = "textarea", _("多行文本")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("单选")
    BOOLEAN = "boolean", _("是/否")
    ID_NUMBER = "id_number", _("身份证号码")
    USCC = "uscc", _("统一社会信用代码")
    MOBILE = "mobile", _("手机号码")


class FormField(models.Model):
    """申请表字段: a field an item's application form asks for, configured by catalog administrators."""

    item = models.ForeignKey(
        ImplementationItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="form_fields",
    )
    key = models.SlugField(_("字段标识"), max_length=50)
    label = models.CharField(_("字段名称"), max_length=100)
    field_type = models.CharField(
        _("类型"), max_length=12, choices=FieldType.choices, default=FieldType.TEXT
    )
    required = models.BooleanField(_("必填"), default=True)
    choices = models.JSONField(
        _("可选项"), default=list, blank=True, help_text=_("单选字段的选项列表")
    )
    max_length = models.PositiveIntegerField(_("最大长度"), null=True, blank=True)
    help_text = models.CharField(_("填写说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("申请表字段")
        verbose_name_plural = _("申请表字段")
        ordering = ["item", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="form_field_key_once")]

    def __str__(self) -> str:
        return self.label


class MaterialOrigin(models.TextChoices):
    UPLOADED = "uploaded", _("申请人上传")
    SCANNED = "scanned", _("窗口扫描")
    REUSED = "reused", _("复用已提交材料")
    LICENCE = "licence", _("电子证照免提交")
    SHARED = "shared", _("共享数据")


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    ACCEPTED = "accepted", _("合格")
    TO_CORRECT = "to_correct", _("需补正")
    REPLACED = "replaced", _("已替换")


def material_upload_path(instance: CaseMaterial, filename: str) -> str:
    return f"cases/{instance.case_id}/{instance.sha256[:16]}-{filename[-80:]}"


class CaseMaterial(models.Model):
    """申请材料: one file (or one reused record) given for one material of the item's list."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials"
    )
    material = models.ForeignKey(
        Material,
        verbose_name=_("材料要求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("材料名称"), max_length=300)
    origin = models.CharField(
        _("来源"), max_length=10, choices=MaterialOrigin.choices, default=MaterialOrigin.UPLOADED
    )
    file = models.FileField(_("文件"), upload_to=material_upload_path, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("复用自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reference = models.CharField(_("证照或数据标识"), max_length=200, blank=True)
    status = models.CharField(
        _("审核状态"),
        max_length=12,
        choices=MaterialStatus.choices,
        default=MaterialStatus.RECEIVED,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.name


class CorrectionNotice(models.Model):
    """一次性告知: the single notice listing every missing or wrong material (Art 32)."""

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="correction_notice"
    )
    issued_at = models.DateTimeField(_("告知时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("告知人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entries = models.JSONField(
        _("补正内容"), default=list, help_text=_('[{"material": 材料名称, "reason": 原因}]')
    )
    note = models.TextField(_("说明"), blank=True)
    resubmitted_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一次性告知")
        verbose_name_plural = _("一次性告知")

    def __str__(self) -> str:
        return f"{self.case} {_('一次性告知')}"


class SuspensionReason(models.TextChoices):
    """Art 45: periods not counted in the time limit."""

    HEARING = "hearing", _("听证")
    TENDERING = "tendering", _("招标")
    AUCTION = "auction", _("拍卖")
    INSPECTION = "inspection", _("现场检查")
    TESTING = "testing", _("检验检测")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")


class ClockSuspension(models.Model):
    """暂停计时: a period the time limit does not count (Art 45); the applicant is told in writing."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="suspensions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("法定事由"), max_length=20, choices=SuspensionReason.choices)
    explanation = models.TextField(_("情况说明"))
    starts_on = models.DateField(_("开始日期"))
    expected_end = models.DateField(_("预计结束日期"))
    ends_on = models.DateField(_("实际恢复日期"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["case", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_end__gte=models.F("starts_on")),
                name="suspension_expected_after_start",
            ),
            # At most one open suspension per case.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ends_on__isnull=True),
                name="suspension_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_reason_display()} {self.starts_on}"


class Extension(models.Model):
    """延期: once per case, approved by the department head, reasons told to the applicant (Art 42)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveIntegerField(_("延长工作日"))
    reasons = models.TextField(_("延期理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        constraints = [
            # Once: a case has at most one extension that is pending or approved.
            models.UniqueConstraint(
                fields=["case"], condition=~models.Q(state="rejected"), name="extension_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class DeadlineRecord(models.Model):
    """期限变更记录: each (re)computation of a case's due dates and what caused it."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="deadline_records"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    cause = models.CharField(_("原因"), max_length=200)
    acceptance_due = models.DateField(_("受理期限"), null=True, blank=True)
    statutory_due = models.DateField(_("法定办结期限"), null=True, blank=True)
    promised_due = models.DateField(_("承诺办结期限"), null=True, blank=True)
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    provisional = models.BooleanField(_("暂定"), default=False)

    class Meta:
        verbose_name = _("期限变更记录")
        verbose_name_plural = _("期限变更记录")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.cause}"


class CaseEvent(models.Model):
    """办理过程: one step of the case as the applicant and staff see it in the progress view."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("环节"), max_length=40)
    label = models.CharField(_("说明"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("操作角色"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)
    public = models.BooleanField(_("申请人可见"), default=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.label}"


class Visit(models.Model):
    """到现场: one visit of the applicant to a hall for this case (counted against the item's promise)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="visits"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("事由"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("到现场记录")
        verbose_name_plural = _("到现场记录")
        ordering = ["case", "at"]

    def __str__(self) -> str:
        return f"{self.case} {self.purpose}"


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理通知书")
    REFUSAL = "refusal", _("不予受理决定书")
    CORRECTION = "correction", _("补正材料一次性告知书")
    SUSPENSION = "suspension", _("暂停计时告知书")
    EXTENSION = "extension", _("延长审批期限告知书")
    APPROVAL = "approval", _("准予许可决定书")
    DENIAL = "denial", _("不予许可决定书")


class CaseDocument(models.Model):
    """文书: a dated written notice or decision issued on a case (PDF)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("文书类型"), max_length=12, choices=DocumentKind.choices)
    # Unique per issuing department (文号 carry the department's abbreviation, which two
    # departments in different regions may share; the serial is per department, see
    # DocumentSerial).
    number = models.CharField(_("文号"), max_length=80, db_index=True)
    issued_on = models.DateField(_("日期"))
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    department = models.ForeignKey(
        Department, verbose_name=_("出具部门"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("正文"))
    file = models.FileField(_("PDF"), upload_to="case-documents/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number"], name="document_number_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Notification(models.Model):
    """消息: an in-app message to a person about their case (also sent by e-mail when they have one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class IdempotencyKey(models.Model):
    """A retried submission with the same key returns the first case instead of making a second."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key


class DailySerial(models.Model):
    """The last 办件编号 serial used per implementation code and day (taken under a row lock)."""

    code = models.CharField(max_length=31)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "day"], name="daily_serial_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.day} {self.last}"


class DocumentSerial(models.Model):
    """The last 文号 serial used per issuing department, kind of document and year (taken
    under a row lock by `documents.next_number`)."""

    department = models.ForeignKey(
        Department, verbose_name=_("出具部门"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("文书类型"), max_length=12, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文号序号")
        verbose_name_plural = _("文号序号")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year"], name="document_serial_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.kind} {self.year} {self.last}"


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")


class DeadlineWarning(models.Model):
    """期限预警: a warning sent to the staff handling a case (see `warnings`), at most once per
    case, stage (the state whose deadline it concerns) and level."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="deadline_warnings"
    )
    stage = models.CharField(_("办理阶段"), max_length=12, choices=CaseState.choices)
    level = models.CharField(_("级别"), max_length=6, choices=WarningLevel.choices)
    due = models.DateField(_("期限"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("期限预警")
        verbose_name_plural = _("期限预警")
        ordering = ["case", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage", "level"], name="deadline_warning_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()} {self.due}"
