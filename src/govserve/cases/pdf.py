"""Written documents (文书) as PDF: A4, issuing body and title, 文号, the text, the applicant and
the case, the issuing department and the date in Chinese, and a place for the seal.

Chinese is set in a CJK **TrueType** font that is embedded (as a subset) in every file, so a
document renders the same anywhere and can be archived. The font file is
`settings.GOVSERVE_PDF_FONT` (environment variable of the same name; default Debian's
fonts-wqy-microhei, `/usr/share/fonts/truetype/wqy/wqy-microhei.ttc`, which the Makefile
installs), `settings.GOVSERVE_PDF_FONT_INDEX` choosing the face inside a .ttc collection.
reportlab's built-in CID fonts (STSong-Light) are never used: they are not embedded. A missing
font file, or one with PostScript (CFF) outlines that reportlab cannot embed, is an error at
document time (`DocumentFontError`), not a silent fallback.

Official documents are always in Chinese, whatever language the staff member's page uses, so
the labels below are plain Chinese, not translated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import threading
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from govserve.signing.sealing import DocumentSealer, document_sealer

from .models import CaseDocument, DocumentKind

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

TITLES: dict[str, str] = {  # by kind (DocumentKind members are str)
    DocumentKind.ACCEPTANCE: "受理通知书",
    DocumentKind.REFUSAL: "不予受理决定书",
    DocumentKind.CORRECTION: "补正材料一次性告知书",
    DocumentKind.SUSPENSION: "暂停计时告知书",
    DocumentKind.EXTENSION: "延长审批期限告知书",
    DocumentKind.APPROVAL: "准予行政许可决定书",
    DocumentKind.DENIAL: "不予行政许可决定书",
}

_DIGITS = "〇一二三四五六七八九"


class DocumentFontError(ImproperlyConfigured):
    """The CJK font for documents is missing or cannot be embedded."""


def _number_in_words(n: int) -> str:
    """1–31 as written in dates: 一 … 十 十一 … 二十 二十一 … 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """二〇二六年十一月三十日: the year digit by digit, month and day in words."""
    year = "".join(_DIGITS[int(c)] for c in f"{day.year:04d}")
    return f"{year}年{_number_in_words(day.month)}月{_number_in_words(day.day)}日"


_fonts: dict[tuple[str, int], str] = {}
_fonts_lock = threading.Lock()


def document_font() -> str:
    """Register (once per process) and return the name of the embedded CJK font."""
    path = str(getattr(settings, "GOVSERVE_PDF_FONT", "") or DEFAULT_FONT)
    index = int(getattr(settings, "GOVSERVE_PDF_FONT_INDEX", 0) or 0)
    key = (path, index)
    with _fonts_lock:
        if key in _fonts:
            return _fonts[key]
        if not os.path.isfile(path):
            message = _(
                "文书字体文件不存在：%(path)s。请安装中文 TrueType 字体（Debian：apt-get install "
                "fonts-wqy-microhei），或用环境变量 GOVSERVE_PDF_FONT 指向一个 .ttf/.ttc 字体文件。"
            ) % {"path": path}
            raise DocumentFontError(message)
        name = f"GovServeCJK{len(_fonts)}"
        try:
            font = TTFont(name, path, subfontIndex=index)
        except (TTFError, OSError) as exc:
            raise DocumentFontError(
                _(
                    "文书字体 %(path)s 无法嵌入 PDF（需要 TrueType 轮廓的 .ttf/.ttc 字体，"
                    "不支持 PostScript/CFF 轮廓的 .otf）：%(error)s"
                )
                % {"path": path, "error": exc}
            ) from exc
        pdfmetrics.registerFont(font)
        _fonts[key] = name
        return name


class SealArea(Flowable):
    """The issuing department and the date, right-aligned, with the electronic seal's picture
    centred over them (the seal overlaps the name and the date, as a paper seal does); without
    a seal picture, a dashed ring marks where it goes."""

    RADIUS = 21 * mm  # a 42 mm official seal

    def __init__(self, font: str, department: str, date_text: str, picture: bytes | None = None):
        super().__init__()
        self.font, self.department, self.date_text = font, department, date_text
        self.picture = picture
        self.height = 2 * self.RADIUS + 6 * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        size = 12
        right = self.width - 4 * mm
        text_width = max(
            pdfmetrics.stringWidth(self.department, self.font, size),
            pdfmetrics.stringWidth(self.date_text, self.font, size),
        )
        centre_x = right - text_width / 2
        centre_y = self.height / 2
        c.saveState()
        if not self.picture:
            c.setStrokeColor(colors.Color(0.8, 0.1, 0.1))
            c.setDash(3, 3)
            c.circle(centre_x, centre_y, self.RADIUS, stroke=1, fill=0)
            c.setFillColor(colors.Color(0.8, 0.1, 0.1))
            c.setFont(self.font, 8)
            c.drawCentredString(centre_x, centre_y + self.RADIUS - 6 * mm, "（电子印章位置）")
        c.setFillColor(colors.black)
        c.setFont(self.font, size)
        c.drawRightString(right, centre_y + 2 * mm, self.department)
        c.drawRightString(right, centre_y - 6 * mm, self.date_text)
        if self.picture:
            # Drawn after the text, so the red seal lies over the name and date (transparent PNG).
            c.drawImage(
                ImageReader(io.BytesIO(self.picture)),
                centre_x - self.RADIUS,
                centre_y - self.RADIUS,
                width=2 * self.RADIUS,
                height=2 * self.RADIUS,
                mask="auto",
            )
        c.restoreState()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=21, wordWrap="CJK")
    return {
        "issuer": ParagraphStyle(
            "issuer", parent=base, fontSize=16, leading=24, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=4
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceAfter=14),
        "salutation": ParagraphStyle("salutation", parent=base, alignment=TA_LEFT),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=24, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _paragraphs(text: str, styles: dict[str, ParagraphStyle]) -> list[Paragraph]:
    """The document text: a first line ending in a colon is the addressee (称谓), the rest are
    indented paragraphs; reportlab's CJK word wrap breaks lines between any two characters."""
    out = []
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    for n, line in enumerate(line for line in lines if line):
        is_salutation = n == 0 and line.endswith(("：", ":")) and len(line) <= 60
        out.append(Paragraph(escape(line), styles["salutation" if is_salutation else "body"]))
    return out


def render_pdf(doc: CaseDocument, sealer: DocumentSealer | None = None) -> bytes:
    """The document as PDF bytes (unsigned), with `sealer`'s seal picture if one is given."""
    font = document_font()
    styles = _styles(font)
    case = doc.case
    department = doc.department
    title = TITLES.get(doc.kind, doc.kind)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{title} {doc.number}",
        author=department.name,
        subject=case.number or "",
        creator="GovServe",
        lang="zh-CN",
        initialFontName=font,  # no Helvetica reference: every font in the file is embedded
    )
    info = Table(
        [
            [Paragraph(label, styles["cell"]), Paragraph(escape(value), styles["cell"])]
            for label, value in (
                ("申请人", case.applicant_name),
                ("申请事项", case.title),
                ("办件编号", case.number or ""),
            )
        ],
        colWidths=[24 * mm, None],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font),  # the table's own default is Helvetica
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95)),
            ]
        ),
    )
    story = [
        Paragraph(escape(department.name), styles["issuer"]),
        Paragraph(title, styles["title"]),
        Paragraph(escape(doc.number), styles["number"]),
        *_paragraphs(doc.text, styles),
        Spacer(1, 8 * mm),
        info,
        Spacer(1, 6 * mm),
        SealArea(
            font,
            department.name,
            chinese_date(doc.issued_on),
            sealer.picture(department) if sealer is not None else None,
        ),
    ]

    def footer(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.setFillColor(colors.grey)
        canvas.drawString(28 * mm, 14 * mm, f"办件编号：{case.number or ''}")
        canvas.drawRightString(A4[0] - 26 * mm, 14 * mm, f"第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def sign_pdf(data: bytes, department, reason: str, sealer: DocumentSealer | None = None) -> bytes:
    """Sign a rendered document with the issuing department's signature (PAdES, by the signing
    app's sealer); unchanged when documents are issued unsigned (`SEAL_DOCUMENTS` off).

    A key that cannot be used raises the signing app's error (a `Refused` with status 503):
    the caller's transaction — the state change that issues the document — is then rolled
    back, so no unsigned notice or decision is ever issued.
    """
    sealer = sealer if sealer is not None else document_sealer()
    if sealer is None:
        return data
    return sealer.sign(data, department, reason=reason)


def attach_pdf(doc: CaseDocument) -> None:
    """Render with the department's seal picture, sign, and store the PDF on `doc.file`
    with its SHA-256."""
    sealer = document_sealer()
    title = TITLES.get(doc.kind, doc.kind)
    data = render_pdf(doc, sealer)
    if sealer is not None:
        data = sign_pdf(data, doc.department, f"{title} {doc.number}".strip(), sealer)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.file.save(f"{doc.case_id}-{doc.kind}-{doc.pk}.pdf", ContentFile(data), save=False)
    doc.save(update_fields=["file", "sha256"])
