"""好差评 (GB/T 39734): a rating of a case (online, once per case) or of a visit (on site, once
per visit), the rectification (整改) a bad real-name rating opens, re-ratings after the reply,
and appeals (申诉) against malicious or mistaken ratings.

A re-rating is a new `Rating` that `revises` the first one (history kept); only the rating with
`is_current` counts in the figures, and never an `excluded` one (an upheld appeal).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govserve.cases.models import Case, Visit
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region, ServiceHall, ServiceWindow

COMMENT_MAX_LENGTH = 300


class RatingChannel(models.TextChoices):
    WEB = "web", _("政务服务网")
    APP = "app", _("移动端")
    EVALUATOR = "evaluator", _("窗口评价器")
    TERMINAL = "terminal", _("自助服务终端")
    HOTLINE = "hotline", _("12345热线")
    SMS = "sms", _("短信")


class Level(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("非常不满意")
    DISSATISFIED = 2, _("不满意")
    ORDINARY = 3, _("基本满意")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("非常满意")


BAD_LEVELS = (Level.VERY_DISSATISFIED, Level.DISSATISFIED)
GOOD_LEVELS = (Level.SATISFIED, Level.VERY_SATISFIED)

# The dimensions of DOMAIN §4, online (一事一评) and on site (一次一评): field → label.
ONLINE_DIMENSIONS = {
    "score_overall": _("总体评价"),
    "score_efficiency": _("办事效率"),
    "score_guide": _("办事指南准确性"),
    "score_convenience": _("办理便捷度"),
    "score_usability": _("系统易用性"),
}
ONSITE_DIMENSIONS = {
    "score_overall": _("总体评价"),
    "score_efficiency": _("办事效率"),
    "score_competence": _("业务能力"),
    "score_attitude": _("服务态度"),
}
ALL_DIMENSIONS = {**ONLINE_DIMENSIONS, **ONSITE_DIMENSIONS}


def _score(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True, choices=Level.choices)


class Rating(models.Model):
    """评价: one rater's rating of a case (or of one visit) through one channel."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("到现场记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("现场评价（一次一评）时的到现场记录"),
    )
    channel = models.CharField(_("评价渠道"), max_length=10, choices=RatingChannel.choices)
    client_id = models.CharField(_("渠道系统"), max_length=100, blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # "u<id>" for an account, "anon" otherwise: the uniqueness key (NULL never collides).
    rater_key = models.CharField(_("评价人标识"), max_length=40)
    real_name = models.BooleanField(_("实名评价"), default=True)
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    score_overall = _score(_("总体评价"))
    score_efficiency = _score(_("办事效率"))
    score_guide = _score(_("办事指南准确性"))
    score_convenience = _score(_("办理便捷度"))
    score_usability = _score(_("系统易用性"))
    score_competence = _score(_("业务能力"))
    score_attitude = _score(_("服务态度"))
    comment = models.CharField(_("评价内容"), max_length=COMMENT_MAX_LENGTH, blank=True)

    # The rated objects, copied from the case (and the visit) when the rating is made.
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ImplementationItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+"
    )
    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    window = models.ForeignKey(
        ServiceWindow,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    revises = models.OneToOneField(
        "self",
        verbose_name=_("追评所修改的评价"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revision",
    )
    is_current = models.BooleanField(_("有效（最新）评价"), default=True)
    excluded = models.BooleanField(_("已剔除"), default=False)
    excluded_reason = models.CharField(_("剔除理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rater_key", "channel"],
                condition=Q(visit__isnull=True, revises__isnull=True),
                name="rating_once_per_case_rater_channel",
            ),
            models.UniqueConstraint(
                fields=["case", "visit", "rater_key", "channel"],
                condition=Q(visit__isnull=False, revises__isnull=True),
                name="rating_once_per_visit_rater_channel",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="rating_created"),
            models.Index(fields=["department", "is_current"], name="rating_dept_current"),
            models.Index(fields=["case", "is_current"], name="rating_case_current"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"

    @property
    def onsite(self) -> bool:
        return self.visit_id is not None

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    def dimensions(self) -> list[tuple[str, int | None]]:
        fields = ONSITE_DIMENSIONS if self.onsite else ONLINE_DIMENSIONS
        return [(str(label), getattr(self, name)) for name, label in fields.items()]


class RectificationState(models.TextChoices):
    OPEN = "open", _("待核实")
    VERIFIED = "verified", _("已核实待整改")
    RECTIFIED = "rectified", _("已整改待答复")
    REPLIED = "replied", _("已答复待复核")
    ACCEPTED = "accepted", _("复核通过")
    RETURNED = "returned", _("复核退回")


# States in which the department still owes the reply (the deadline runs).
RECTIFICATION_OPEN_STATES = (
    RectificationState.OPEN,
    RectificationState.VERIFIED,
    RectificationState.RECTIFIED,
    RectificationState.RETURNED,
)


class Rectification(models.Model):
    """整改: the follow-up of a bad real-name rating by the responsible department."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.CASCADE, related_name="rectification"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    opened_on = models.DateField(_("立案日期"))
    due = models.DateField(_("整改答复期限"))
    verification = models.TextField(_("核实情况"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    reply = models.TextField(_("答复评价人"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    review_note = models.TextField(_("复核意见"), blank=True)
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["state", "due"], name="rectification_state_due"),
            models.Index(fields=["department", "state"], name="rectification_dept_state"),
        ]

    def __str__(self) -> str:
        return f"{_('整改')} {self.case}"

    @property
    def is_open(self) -> bool:
        return self.state in RECTIFICATION_OPEN_STATES

    @property
    def on_time(self) -> bool:
        return self.replied_on is not None and self.replied_on <= self.due


class RectificationStep(models.Model):
    """One step of a rectification (核实、整改、答复、复核), kept for the case's history."""

    class Action(models.TextChoices):
        OPENED = "opened", _("差评转办")
        VERIFIED = "verified", _("核实")
        RECTIFIED = "rectified", _("整改")
        REPLIED = "replied", _("答复")
        ACCEPTED = "accepted", _("复核通过")
        RETURNED = "returned", _("复核退回")
        RERATED = "rerated", _("追评")

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("整改"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("环节"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改环节")
        verbose_name_plural = _("整改环节")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return str(self.get_action_display())


class AppealState(models.TextChoices):
    PENDING = "pending", _("待裁定")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


class AppealGround(models.TextChoices):
    MALICIOUS = "malicious", _("恶意评价")
    MISTAKEN = "mistaken", _("误评")


class RatingAppeal(models.Model):
    """申诉: the department asks a supervisor to exclude a malicious or mistaken rating."""

    rating = models.ForeignKey(
        Rating, verbose_name=_("评价"), on_delete=models.CASCADE, related_name="appeals"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("申诉部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    ground = models.CharField(_("申诉理由类别"), max_length=10, choices=AppealGround.choices)
    reasons = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING
    )
    decision_reasons = models.TextField(_("裁定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("裁定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价申诉")
        verbose_name_plural = _("评价申诉")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rating"],
                condition=Q(state="pending"),
                name="rating_appeal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{_('申诉')} {self.rating}"


class RatingInvitation(models.Model):
    """The invitation to rate, sent once per case (online) and once per visit (on site)."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("到现场记录"), null=True, blank=True, on_delete=models.CASCADE
    )
    sent_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(visit__isnull=True), name="rating_invite_once_case"
            ),
            models.UniqueConstraint(
                fields=["visit"], condition=Q(visit__isnull=False), name="rating_invite_once_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('评价邀请')} {self.case_id}"


class RatingRequestKey(models.Model):
    """An idempotency key of a rating POST: the same key from the same caller answers the first
    rating; a different request under a used key is refused."""

    owner = models.CharField(_("调用方"), max_length=120)  # "u<id>" or "c<client_id>"
    key = models.CharField(_("幂等键"), max_length=100)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    rating = models.ForeignKey(Rating, verbose_name=_("评价"), on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价幂等键")
        verbose_name_plural = _("评价幂等键")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="rating_request_key_once")
        ]

    def __str__(self) -> str:
        return self.key
