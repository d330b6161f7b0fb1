"""The platform certificate authority's certificates (证书) and the departments' electronic
seals (电子印章, GB/T 38540).

Both tables were made by the licences app (`licences_certificate`, `licences_seal`) and keep
their names: the models moved here without touching the data (migrations 0001 here and
licences 0003 only change Django's state).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govserve.regions.models import Department


class Algorithm(models.TextChoices):
    ECDSA_P256 = "ecdsa-p256", "ECDSA P-256 / SHA-256"
    RSA_3072 = "rsa-3072", "RSA 3072 / SHA-256"
    SM2 = "sm2", "SM2 / SM3"


class CertificateRole(models.TextChoices):
    ROOT = "root", _("平台根证书")
    DEPARTMENT = "department", _("部门签名证书")


class Certificate(models.Model):
    """证书: an X.509 certificate of the platform certificate authority with its wrapped key.

    The private key is stored only as the key store's wrapped blob (`keystore`), under
    `key_label`. A root signs itself; a department certificate is signed by the active root of
    the same algorithm. Rotation issues a new certificate and marks the old one `retired_at`
    (documents it signed stay valid); revocation (`revoked_at`) puts it on the CRL.
    """

    role = models.CharField(_("用途"), max_length=12, choices=CertificateRole.choices)
    algorithm = models.CharField(_("算法"), max_length=12, choices=Algorithm.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issuer = models.ForeignKey(
        "self",
        verbose_name=_("签发者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued",
    )
    serial_number = models.CharField(_("序列号"), max_length=64, unique=True)
    subject = models.CharField(_("主题"), max_length=300)
    pem = models.TextField(_("证书（PEM）"))
    key_label = models.CharField(_("密钥标签"), max_length=100, unique=True)
    wrapped_key = models.BinaryField(_("加密私钥"))
    not_before = models.DateTimeField(_("生效时间"))
    not_after = models.DateTimeField(_("失效时间"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("轮换停用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revocation_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["role", "algorithm", "department"])]
        # Made by the licences app's first migration; the rows stayed when the model moved here.
        db_table = "licences_certificate"

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_algorithm_display()}, {self.serial_number})"

    @property
    def in_use(self) -> bool:
        """May sign now: not retired, not revoked, inside its validity."""
        now = timezone.now()
        return (
            self.retired_at is None
            and self.revoked_at is None
            and self.not_before <= now < self.not_after
        )


class SealKind(models.TextChoices):
    OFFICIAL = "01", _("法定名称章")
    LICENSING = "02", _("行政审批专用章")
    OTHER = "99", _("其他业务专用章")


class Seal(models.Model):
    """电子印章 (GB/T 38540): seal information and picture bound to the maker's certificate.

    `code` is the seal's identifier (印章编码); `maker_signature` is the SM2 signature of the
    platform root over `seal_info()` (canonical bytes made by `seals`), so a seal whose picture
    or dates were changed no longer verifies.
    """

    code = models.CharField(_("印章编码"), max_length=32, unique=True)
    name = models.CharField(_("印章名称"), max_length=200)
    kind = models.CharField(_("印章类型"), max_length=2, choices=SealKind.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="seals"
    )
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    picture = models.BinaryField(_("印章图片（PNG）"))
    picture_sha256 = models.CharField(_("图片 SM3/SHA-256"), max_length=64)
    width_mm = models.PositiveSmallIntegerField(_("宽（毫米）"), default=42)
    height_mm = models.PositiveSmallIntegerField(_("高（毫米）"), default=42)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("签章人证书"),
        on_delete=models.PROTECT,
        related_name="seals",
    )
    maker_certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("制章者证书"),
        on_delete=models.PROTECT,
        related_name="made_seals",
    )
    maker_signature = models.BinaryField(_("制章者签名"))
    created_at = models.DateTimeField(_("制作时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")
        ordering = ["department", "-created_at"]
        db_table = "licences_seal"

    def __str__(self) -> str:
        return self.name
