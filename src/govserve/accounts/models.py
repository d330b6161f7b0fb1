"""Accounts (统一身份认证): one identity per applicant or staff member across all departments."""

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """用户: the platform's own user model, so identity fields can grow without a swap later."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
