"""Accounts (统一身份认证): one identity per person across all departments, the businesses
they act for, staff posts scoped by department and region, and the logs that personal data
and security need.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.catalog.codetables import AssuranceLevel  # items require a minimum too
from govserve.regions.models import Department, Region

__all__ = ["AssuranceLevel"]  # re-exported: accounts code names it from here


class AccountType(models.TextChoices):
    PERSON = "person", _("自然人")
    STAFF = "staff", _("工作人员")


class User(AbstractUser):
    """用户: a citizen (自然人) or a staff member; businesses act through the people they authorise.

    `id_number` is the resident ID number (GB 11643), validated on entry and shown masked.
    """

    account_type = models.CharField(
        _("账户类型"), max_length=10, choices=AccountType.choices, default=AccountType.PERSON
    )
    real_name = models.CharField(_("姓名"), max_length=100, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True, null=True, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, unique=True, null=True, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        _("实名认证等级"), choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    assurance_verified_at = models.DateTimeField(_("实名认证时间"), null=True, blank=True)
    assurance_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Staff only: the post's home (roles are granted separately, per department and region).
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # the stubs omit AbstractUser.Meta
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def is_applicant(self) -> bool:
        return self.account_type == AccountType.PERSON


class OrganisationKind(models.TextChoices):
    """服务对象 codes for legal persons (GB/T 39046)."""

    ENTERPRISE = "2", _("企业法人")
    PUBLIC_INSTITUTION = "3", _("事业法人")
    SOCIAL_ORGANISATION = "4", _("社会组织法人")
    OTHER = "6", _("其他组织")


class Organisation(models.Model):
    """法人: a business or organisation identified by its unified social credit code."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(
        _("类型"),
        max_length=1,
        choices=OrganisationKind.choices,
        default=OrganisationKind.ENTERPRISE,
    )
    region = models.ForeignKey(
        Region, verbose_name=_("登记区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Representation(models.Model):
    """A person acting for an organisation:
    its legal representative or an authorised agent (授权代理人)."""

    class Kind(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal", _("法定代表人")
        AGENT = "agent", _("授权代理人")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("法人"),
        on_delete=models.CASCADE,
        related_name="representations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("自然人"),
        on_delete=models.CASCADE,
        related_name="representations",
    )
    kind = models.CharField(_("身份"), max_length=10, choices=Kind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("法人授权")
        verbose_name_plural = _("法人授权")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(kind="legal", revoked_at__isnull=True),
                name="one_current_legal_representative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation} · {self.get_kind_display()}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.revoked_at is None
            and self.valid_from <= at
            and (self.valid_until is None or at < self.valid_until)
        )


class Role(models.TextChoices):
    """Staff roles; each is granted for one department (where it has one) and one region."""

    COUNTER_CLERK = "clerk", _("综合窗口受理人员")
    REVIEWER = "reviewer", _("审查人员")
    APPROVER = "approver", _("审批负责人")
    SUPERVISOR = "supervisor", _("监察人员")
    CATALOG_ADMIN = "catalog_admin", _("事项目录管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


# Roles whose grant at a province or city may cover the whole subtree below it.
SUBTREE_ROLES = {
    Role.SUPERVISOR,
    Role.CATALOG_ADMIN,
    Role.SYSTEM_ADMIN,
    Role.REVIEWER,
    Role.APPROVER,
}
# Roles that belong to a department (the others belong to a region as a whole).
DEPARTMENT_ROLES = {Role.REVIEWER, Role.APPROVER}


class RoleGrant(models.Model):
    """岗位授权: a role for a staff member in a department and region, possibly temporary."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT)
    covers_subtree = models.BooleanField(_("含下级区划"), default=False)
    reason = models.CharField(_("授权理由"), max_length=300, blank=True)
    valid_until = models.DateTimeField(_("截止时间"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("岗位授权")
        verbose_name_plural = _("岗位授权")
        ordering = ["user", "role"]

    def __str__(self) -> str:
        where = self.department.name if self.department is not None else self.region.full_name
        return f"{self.user} · {self.get_role_display()} · {where}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.valid_until is None or at < self.valid_until)


class PersonalDataGrant(models.Model):
    """Temporary right to see personal data in full
    (e.g. for a verification), with a reason and an end."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="data_grants",
    )
    reason = models.CharField(_("理由"), max_length=300)
    valid_until = models.DateTimeField(_("截止时间"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息查看授权")
        verbose_name_plural = _("个人信息查看授权")

    def __str__(self) -> str:
        return f"{self.user} · {self.reason}"


class PersonalDataAccess(models.Model):
    """个人信息访问记录: who saw whose personal data in full, when and why. Append-only."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信息主体"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fields = models.CharField(_("字段"), max_length=200)
    reason = models.CharField(_("理由"), max_length=300)
    channel = models.CharField(_("渠道"), max_length=20, default="page")
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.viewer} → {self.subject} {self.fields}"


class SecurityEvent(models.Model):
    """安全日志: logins, failed logins, lockouts, role changes. Append-only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED = "locked", _("账户锁定")
        LOGOUT = "logout", _("退出")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        TOTP_ENABLED = "totp_enabled", _("启用动态口令")
        REPRESENTATION = "representation", _("法人授权变更")
        IDENTITY_VERIFIED = "identity_verified", _("实名核验")
        STAFF_CREATED = "staff_created", _("创建工作人员账户")
        DATA_GRANT = "data_grant", _("个人信息查看授权")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username or self.user}"
