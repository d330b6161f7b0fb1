"""Electronic seals (电子印章, GB/T 38540): seal information and picture bound to certificates.

A department's 行政审批专用章 is made on first use (`department_seal`): a seal code, a validity
equal to the department's SM2 signing certificate, a PNG picture (42 mm round seal: red ring,
five-pointed star, the department's name along the upper arc, the seal kind at the bottom,
drawn with the documents' CJK font), the department's SM2 certificate as the signer's
certificate, and the platform SM2 root as the seal maker (制章者) whose SM2 signature covers
the canonical seal information (`seal_info`). `verify_seal` checks all of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from govserve.regions.models import Department

from . import pki, sm2
from .models import Algorithm, Seal, SealKind

SEAL_MM = 42
DPI = 300
RED = (204, 0, 0, 255)
# The documents' CJK font (settings.GOVSERVE_PDF_FONT; the same default as cases.pdf, Debian's
# fonts-wqy-microhei, which the Makefile installs).
DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


# -- the picture -----------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = str(getattr(settings, "GOVSERVE_PDF_FONT", "") or DEFAULT_FONT)
    index = int(getattr(settings, "GOVSERVE_PDF_FONT_INDEX", 0) or 0)
    return ImageFont.truetype(path, size, index=index)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _arc_text(image: Image.Image, text: str, radius: float, font: ImageFont.FreeTypeFont) -> None:
    """Characters along the upper arc, each turned to face the centre (as on a paper seal)."""
    if not text:
        return
    cx = cy = image.width / 2
    # Longer names spread over a wider arc, up to 240°, centred on the top.
    span = min(240.0, max(120.0, 17.0 * len(text)))
    step = span / max(len(text) - 1, 1) if len(text) > 1 else 0
    start = -90 - span / 2 if len(text) > 1 else -90
    size = int(font.size)  # _font() takes an int size
    for n, char in enumerate(text):
        angle = start + n * step
        tile = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size, size), char, font=font, fill=RED, anchor="mm")
        # The character's top points away from the centre: turn by (angle + 90)°.
        tile = tile.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = cx + radius * math.cos(math.radians(angle)) - tile.width / 2
        y = cy + radius * math.sin(math.radians(angle)) - tile.height / 2
        image.alpha_composite(tile, (round(x), round(y)))


def seal_picture(department_name: str, label: str = "行政审批专用章") -> bytes:
    """The seal's PNG: transparent background, 42 mm at 300 dpi."""
    px = round(SEAL_MM / 25.4 * DPI)
    image = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = round(px * 0.028)
    draw.ellipse(
        (ring // 2, ring // 2, px - ring // 2 - 1, px - ring // 2 - 1), outline=RED, width=ring
    )
    centre = px / 2
    _star(draw, centre, centre, px * 0.14)
    # Long names get smaller characters so they fit the arc.
    char = round(px * (0.105 if len(department_name) <= 14 else 0.085))
    _arc_text(image, department_name, px / 2 - ring - char * 0.75, _font(char))
    draw.text(
        (centre, centre + px * 0.27), label, font=_font(round(px * 0.065)), fill=RED, anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


# -- seal information ------------------------------------------------------------------


def seal_info(seal: Seal) -> bytes:
    """The canonical seal information the maker signs (印章信息): JSON, sorted keys, UTF-8."""
    return json.dumps(
        {
            "id": seal.code,
            "name": seal.name,
            "kind": seal.kind,
            "department_uscc": seal.department.uscc or "",
            "valid_from": seal.valid_from.isoformat(),
            "valid_until": seal.valid_until.isoformat(),
            "picture_sha256": seal.picture_sha256,
            "certificate_serial": seal.certificate.serial_number,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def _current(department: Department) -> Seal | None:
    today = timezone.localdate()
    now = timezone.now()
    return (
        Seal.objects.filter(
            department=department,
            kind=SealKind.LICENSING,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
            certificate__retired_at__isnull=True,
            certificate__revoked_at__isnull=True,
            certificate__not_after__gt=now,
            maker_certificate__revoked_at__isnull=True,
        )
        .select_related("certificate", "maker_certificate", "department")
        .order_by("-created_at", "-pk")
        .first()
    )


def _code(department: Department, kind: str) -> str:
    """印章编码: 6-digit region code + kind + department id + this department's seal number."""
    number = Seal.objects.filter(department=department).count() + 1
    return f"{department.region.code[:6]}{kind}{department.pk:06d}{number:03d}"


@transaction.atomic
def department_seal(department: Department) -> Seal:
    """The department's in-use 行政审批专用章, made (with its picture) on first use."""
    seal = _current(department)
    if seal is not None:
        return seal
    Department.objects.select_for_update().filter(pk=department.pk).first()
    seal = _current(department)
    if seal is not None:
        return seal
    certificate = pki.signing_certificate(department, Algorithm.SM2)
    maker = certificate.issuer
    assert maker is not None  # a department certificate is issued by a root
    picture = seal_picture(department.name)
    seal = Seal(
        code=_code(department, SealKind.LICENSING),
        name=f"{department.name}行政审批专用章",
        kind=SealKind.LICENSING,
        department=department,
        valid_from=timezone.localdate(certificate.not_before),
        valid_until=timezone.localdate(certificate.not_after),
        picture=picture,
        picture_sha256=hashlib.sha256(picture).hexdigest(),
        width_mm=SEAL_MM,
        height_mm=SEAL_MM,
        certificate=certificate,
        maker_certificate=maker,
    )
    seal.maker_signature = sm2.sign(pki.private_key_pem(maker), seal_info(seal))
    seal.save()
    return seal


def verify_seal(seal: Seal, on: dt.date | None = None) -> list[str]:
    """印章验证: problems (Chinese) with the seal; empty means the seal is sound.

    Checks the maker's SM2 signature over the seal information, the picture's hash, the
    validity period, revocation of the seal, and both certificates' chains.
    """
    on = on or timezone.localdate()
    problems: list[str] = []
    picture = bytes(seal.picture)
    if hashlib.sha256(picture).hexdigest() != seal.picture_sha256:
        problems.append(_("印章图片与印章信息不符（图片被替换或损坏）"))
    try:
        signed = sm2.verify(
            pki.public_key_pem(seal.maker_certificate),
            seal_info(seal),
            bytes(seal.maker_signature),
        )
    except (sm2.SM2Error, ValueError):
        signed = False
    if not signed:
        problems.append(_("制章者签名无效：印章信息被改动，或不是平台制作的印章"))
    if on < seal.valid_from:
        problems.append(_("印章尚未生效"))
    elif on > seal.valid_until:
        problems.append(_("印章已过有效期"))
    if seal.revoked_at is not None:
        problems.append(_("印章已注销"))
    problems += pki.check_chain(seal.certificate)
    if seal.maker_certificate.pk != seal.certificate.issuer_id:
        problems.append(_("制章者证书不是签章人证书的签发者"))
    problems += [p for p in pki.check_chain(seal.maker_certificate) if p not in problems]
    return problems
