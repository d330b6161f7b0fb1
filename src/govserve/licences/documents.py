"""The licence as PDF (电子证照版式文件): one A4 page with the look of a paper certificate.

Title (the layout's, else the type's name), 证照编号, the holder and their number, the type's
fields with their labels, the validity, 发证机关 and 发证日期 (in Chinese words) under the
electronic seal's picture — over the issuer and date, as a paper seal is stamped — a QR code
leading to the public verification page, and the identifier in small print.

Text is set in the embedded CJK TrueType font of `cases.pdf.document_font()`; the canvas starts
with that font (`initialFontName`), so no unembedded Helvetica is referenced anywhere. The QR
code is drawn as vector rectangles from `qrcode`'s module matrix (no raster image, no Pillow).
Official documents are in Chinese whatever the page language, so the labels are not translated.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

import qrcode
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from govserve.accounts.masking import mask_id_number
from govserve.cases.pdf import chinese_date, document_font
from govserve.signing.models import Seal

from . import qrlinks
from .models import Licence

FRAME = colors.Color(0.62, 0.12, 0.10)
QR_SIZE = 30 * mm
MIN_FONT = 8


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules for `data` (True = dark), medium error correction, no quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Draw the matrix with its lower-left corner at (x, y); each row's dark runs as one rect."""
    module = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                canvas.rect(x + start * module, top, (col - start) * module, module, 0, 1)
                start = None
    canvas.restoreState()


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def validity_line(licence: Licence) -> str:
    if licence.valid_until is None:
        return f"自{_date(licence.valid_from)}起长期有效"
    return f"{_date(licence.valid_from)}至{_date(licence.valid_until)}"


def holder_rows(licence: Licence) -> list[tuple[str, str]]:
    """The holder as printed. A business's credit code is public and printed in full; a
    person's resident ID number is masked: the PDF travels to whoever the holder shows or
    shares it with, and the full number stays in the signed record the issuer verifies."""
    if licence.holder_organisation_id:
        return [("持证主体", licence.holder_name), ("统一社会信用代码", licence.holder_id_number)]
    return [
        ("持证人", licence.holder_name),
        ("公民身份号码", mask_id_number(licence.holder_id_number)),
    ]


def data_rows(licence: Licence) -> list[tuple[str, str]]:
    rows = []
    for spec in licence.licence_type.fields or []:
        value = licence.data.get(spec.get("name"))
        if value not in (None, ""):
            rows.append((spec.get("label") or spec.get("name"), str(value)))
    return rows


def _body_table(rows: list[tuple[str, str]], font: str, size: float, width: float) -> Table:
    label_style = ParagraphStyle(
        "label", fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK"
    )
    value_style = ParagraphStyle("value", parent=label_style)
    label_width = max(pdfmetrics.stringWidth(label, font, size) for label, _v in rows) + 6 * mm
    label_width = min(label_width, width * 0.35)
    data = [
        [Paragraph(escape(label), label_style), Paragraph(escape(value), value_style)]
        for label, value in rows
    ]
    return Table(
        data,
        colWidths=[label_width, width - label_width],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font),  # the table's own default is Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.Color(0.75, 0.75, 0.75)),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )


def render_licence_pdf(licence: Licence, seal: Seal | None) -> bytes:
    """The licence as PDF bytes (unsigned; `services` signs them)."""
    font = document_font()
    layout = licence.licence_type.layout or {}
    page = landscape(A4) if layout.get("orientation", "landscape") == "landscape" else portrait(A4)
    width, height = page
    title = (layout.get("title") or licence.licence_type.name).strip()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page, initialFontName=font, lang="zh-CN")
    canvas.setTitle(f"{title} {licence.number}")
    canvas.setAuthor(licence.issuer.name)
    canvas.setSubject(licence.identifier)
    canvas.setCreator("GovServe")
    canvas.setKeywords(["电子证照", licence.identifier])

    # Frame: a thick and a thin line, as printed certificates have.
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(2.2)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.6)
    canvas.rect(12.5 * mm, 12.5 * mm, width - 25 * mm, height - 25 * mm)

    canvas.setFillColor(colors.black)
    canvas.setFont(font, 28)
    canvas.drawCentredString(width / 2, height - 34 * mm, title)
    canvas.setFont(font, 11)
    canvas.drawRightString(width - 24 * mm, height - 46 * mm, f"证照编号：{licence.number}")
    if licence.version > 1:
        canvas.drawString(24 * mm, height - 46 * mm, f"第 {licence.version} 版")

    # The body: holder, the type's fields, the validity; smaller type when there are many.
    rows = [*holder_rows(licence), *data_rows(licence), ("有效期", validity_line(licence))]
    left, right = 26 * mm, width - 26 * mm
    top, bottom = height - 52 * mm, 78 * mm
    size = 13.0
    while True:
        table = _body_table(rows, font, size, right - left)
        _w, table_height = table.wrapOn(canvas, right - left, top - bottom)
        if table_height <= top - bottom or size <= MIN_FONT:
            break
        size -= 1
    table.drawOn(canvas, left, top - table_height)

    # Bottom left: the QR code to the verification page.
    qr_x, qr_y = 26 * mm, 30 * mm
    draw_qr(canvas, qr_matrix(qrlinks.verification_url(licence.identifier)), qr_x, qr_y, QR_SIZE)
    canvas.setFont(font, 8)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 5 * mm, "扫码核验真伪与状态")

    # Bottom right: issuer and date, the seal stamped over them.
    issuer_right = width - 30 * mm
    lines = (f"发证机关：{licence.issuer.name}", f"发证日期：{chinese_date(licence.issued_on)}")
    issuer_width = max(pdfmetrics.stringWidth(line, font, 13) for line in lines)
    canvas.setFont(font, 13)
    canvas.drawRightString(issuer_right, 48 * mm, lines[0])
    canvas.drawRightString(issuer_right, 39 * mm, lines[1])
    if seal is not None and seal.picture:
        seal_w, seal_h = seal.width_mm * mm, seal.height_mm * mm
        centre_x = issuer_right - issuer_width / 2
        canvas.drawImage(
            ImageReader(io.BytesIO(bytes(seal.picture))),
            centre_x - seal_w / 2,
            43 * mm - seal_h / 2,
            seal_w,
            seal_h,
            mask="auto",
        )

    note = (layout.get("note") or "").strip()
    canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
    if note:
        canvas.setFont(font, 8)
        canvas.drawCentredString(width / 2, 22 * mm, note)
    canvas.setFont(font, 7)
    canvas.drawCentredString(width / 2, 16 * mm, f"电子证照标识：{licence.identifier}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_response(licence: Licence, *, filename: str = "") -> FileResponse:
    """The licence's stored PDF as a download; 404 (Http404, also for the API) when the file
    is not there. Callers log a staff read only after this succeeded."""
    handle = None
    if licence.pdf:
        try:
            handle = licence.pdf.open("rb")
        except (FileNotFoundError, ValueError):
            handle = None
    if handle is None:
        raise Http404(_("证照文件不存在"))
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename or f"{licence.licence_type.name}-{licence.number}.pdf",
        content_type="application/pdf",
    )
