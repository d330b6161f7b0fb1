"""Forms of the account pages.

They collect input and show errors field by field; checking identifiers and deciding what is
allowed is the services' job (`services.py` raises ValidationError with a field → messages
dict, or PermissionDenied), and `apply_service_errors` puts those messages on the fields.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import Department, Region

from .models import DEPARTMENT_ROLES, OrganisationKind, Role

PASSWORD_RULES = _(
    "至少8位，同时包含字母和数字，不能是常见密码，不能与姓名、手机号码或身份证号码相似。"
)


def end_of_day(day: dt.date | None) -> dt.datetime | None:
    """A date picked in a form as the last moment of that day, local time."""
    if not day:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is mixed into
else:
    _FormBase = object


class AccessibleFormMixin(_FormBase):
    """Each control names its help text and its errors (aria-describedby, aria-invalid), and the
    template `accounts/includes/field.html` renders them with those ids."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def apply_service_errors(
        self, error: ValidationError, field_map: dict[str, str] | None = None
    ) -> None:
        """Put a service's ValidationError on the matching fields (others on the form)."""
        field_map = field_map or {}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
        else:
            for key, messages in error.message_dict.items():
                name = field_map.get(key, key)
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        # add_error after full_clean: refresh the aria attributes
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                ids = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    ids.insert(0, f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


# -- sign in -----------------------------------------------------------------------------
class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """登录: username, mobile number or resident ID number, and password."""

    username = forms.CharField(
        label=_("用户名 / 手机号码 / 身份证号码"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("登录名或密码错误。请注意密码区分大小写。"),
        "inactive": _("该账户已停用。"),
    }

    def get_invalid_login_error(self):
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class OtpTokenForm(AccessibleFormMixin, forms.Form):
    """动态口令: the six digits an authenticator app shows."""

    otp_token = forms.CharField(
        label=_("动态口令（6位数字）"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": _("请输入动态口令。"),
            "min_length": _("动态口令为6位数字。"),
            "max_length": _("动态口令为6位数字。"),
        },
    )

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip()
        if not token.isdigit():
            raise ValidationError(_("动态口令为6位数字。"), code="otp_format")
        return token


class ChangePasswordForm(AccessibleFormMixin, PasswordChangeForm):
    """修改密码, with Chinese labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")
        self.fields["new_password1"].help_text = PASSWORD_RULES


# -- applicants --------------------------------------------------------------------------
class RegistrationForm(AccessibleFormMixin, forms.Form):
    """自然人注册. The identifiers are checked by services.register_person."""

    real_name = forms.CharField(
        label=_("姓名"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("请填写姓名")},
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        help_text=_("18位居民身份证号码，末位可为X。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("请填写身份证号码")},
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("11位手机号码，可用于登录。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages={"required": _("请填写手机号码")},
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=PASSWORD_RULES,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请设置密码")},
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入密码")},
    )

    # services.register_person names the password "password"
    SERVICE_FIELDS = {"password": "password1"}

    def clean(self):
        data = super().clean()
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class OrganisationForm(AccessibleFormMixin, forms.Form):
    """法人登记 by its legal representative."""

    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("18位，见营业执照或登记证书。"),
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocapitalize": "characters", "autocomplete": "off"}
        ),
        error_messages={"required": _("请填写统一社会信用代码")},
    )
    name = forms.CharField(
        label=_("法人名称"),
        max_length=200,
        error_messages={"required": _("请填写名称")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    kind = forms.ChoiceField(
        label=_("法人类型"), choices=OrganisationKind.choices, initial=OrganisationKind.ENTERPRISE
    )


class AgentForm(AccessibleFormMixin, forms.Form):
    """授权代理人: a registered citizen named by ID number or mobile."""

    identifier = forms.CharField(
        label=_("代理人身份证号码或手机号码"),
        max_length=30,
        help_text=_("代理人须已在本平台实名注册。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请填写代理人的身份证号码或手机号码")},
    )
    valid_until = forms.DateField(
        label=_("授权截止日期（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("不填则长期有效，直至撤销。"),
    )

    SERVICE_FIELDS = {"agent": "identifier"}

    def valid_until_datetime(self):
        return end_of_day(self.cleaned_data.get("valid_until"))


# -- staff administration ----------------------------------------------------------------
class RegionCodeField(forms.CharField):
    """A region chosen from a <select> of the administrator's scope; any existing region is
    accepted here, so a region outside the scope reaches the service and is refused with
    its reason."""

    widget = forms.Select

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.choices = choices

    def to_python(self, value):
        code = super().to_python(value)
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("区划不存在"), code="invalid_region")
        return region


class DepartmentField(forms.CharField):
    widget = forms.Select

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.choices = choices

    def to_python(self, value):
        pk = super().to_python(value)
        if not pk:
            return None
        department = Department.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if department is None:
            raise ValidationError(_("部门不存在"), code="invalid_department")
        return department


def _region_label(region: Region) -> str:
    return "\u3000" * (region.level - 1) + region.name


def region_choices(regions, empty) -> list[tuple[str, str]]:
    return [("", empty)] + [(r.code, _region_label(r)) for r in regions]


def department_choices(departments, empty) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(d.pk), f"{d.name}（{d.region.name}）") for d in departments]


class StaffForm(AccessibleFormMixin, forms.Form):
    """新建工作人员账户."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        error_messages={"required": _("请填写用户名")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    real_name = forms.CharField(
        label=_("姓名"), max_length=100, error_messages={"required": _("请填写姓名")}
    )
    region = RegionCodeField(label=_("所属区划"), error_messages={"required": _("请选择区划")})
    department = DepartmentField(label=_("所属部门"), required=False)
    mobile = forms.CharField(
        label=_("手机号码（可不填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号码（可不填）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        help_text=PASSWORD_RULES,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请设置初始密码")},
    )
    password2 = forms.CharField(
        label=_("确认初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入初始密码")},
    )

    SERVICE_FIELDS = {"password": "password1"}

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_choices(regions, _("请选择区划"))
        self.fields["department"].widget.choices = department_choices(
            departments, _("不属于某个部门")
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class RoleGrantForm(AccessibleFormMixin, forms.Form):
    """岗位授权: a role in a region (and department, for reviewers and approvers)."""

    role = forms.ChoiceField(
        label=_("角色"),
        choices=[("", _("请选择角色"))] + list(Role.choices),
        error_messages={"required": _("请选择角色")},
    )
    region = RegionCodeField(label=_("区划"), error_messages={"required": _("请选择区划")})
    department = DepartmentField(
        label=_("部门"),
        required=False,
        help_text=_("审查人员、审批负责人须按部门授予；其他角色按区划授予，部门留空。"),
    )
    covers_subtree = forms.BooleanField(label=_("含下级区划"), required=False)
    valid_until = forms.DateField(
        label=_("截止日期（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("授权理由"), max_length=300, required=False)

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_choices(regions, _("请选择区划"))
        self.fields["department"].widget.choices = department_choices(
            departments, _("按区划授予（不选部门）")
        )

    def valid_until_datetime(self):
        return end_of_day(self.cleaned_data.get("valid_until"))

    @property
    def department_roles(self) -> list[str]:
        return sorted(DEPARTMENT_ROLES)


class DataGrantForm(AccessibleFormMixin, forms.Form):
    """临时个人信息查看授权: a reason and an end date (at most 90 days)."""

    prefix = "data"  # shares the staff page with the role grant form (its reason, valid_until)

    reason = forms.CharField(
        label=_("授权理由"),
        max_length=300,
        error_messages={"required": _("请说明授权理由")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    valid_until = forms.DateField(
        label=_("截止日期"),
        error_messages={"required": _("请填写截止日期"), "invalid": _("请填写有效日期")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "最长90天。期间该工作人员可查看其职责范围内人员的完整身份证号码和手机号码，每次查看均被记录。"
        ),
    )

    def valid_until_datetime(self):
        return end_of_day(self.cleaned_data.get("valid_until"))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由（可不填）"), max_length=300, required=False)


class RevealForm(AccessibleFormMixin, forms.Form):
    """查看完整身份信息: a reason is required, and the view is recorded."""

    reason = forms.CharField(
        label=_("查看理由"),
        max_length=300,
        help_text=_("例如：窗口核验身份、办件材料核对。查看人、时间、对象和理由将被记录。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请说明查看理由")},
    )


class PersonLookupForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(
        label=_("身份证号码或手机号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请输入身份证号码或手机号码")},
    )


class SecurityLogFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), required=False)
    username = forms.CharField(label=_("登录名"), required=False, max_length=150)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类型"))] + list(kinds)
