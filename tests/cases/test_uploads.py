"""Uploaded materials (uploads.py): a PDF is accepted only if pypdf parses it whole (strict), it
has pages and nothing follows its last %%EOF; no file may carry a program (polyglots)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from rest_framework.test import APIClient

from govserve.cases.models import CaseMaterial
from govserve.cases.uploads import check_upload
from tests.cases.worlds import PDF_BYTES, PNG_BYTES

# The smallest Windows program header: "MZ", e_lfanew (at 0x3c) pointing at "PE\0\0".
PE = b"MZ" + b"\0" * 58 + (0x40).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57

NOT_PARSED = "PDF 文件无法解析：文件已损坏或不是有效的 PDF"
TRAILING = "PDF 文件结尾之后附加了其他数据，已拒收"
PROGRAM = "文件中含有可执行程序，已拒收"
NOT_SUPPORTED = "文件类型不支持：只接受 PDF、JPG、PNG、OFD 文件（按文件内容判断）"


def refusal(content: bytes, name: str = "scan.pdf") -> list[str]:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, field="file")
    return caught.value.message_dict["file"]


def pdf_from_pypdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_well_formed_pdf_is_accepted():
    for content in (PDF_BYTES, pdf_from_pypdf(3), PDF_BYTES + b"\r\n\0\0"):
        checked = check_upload(SimpleUploadedFile("scan.pdf", content))
        assert checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PDF_BYTES + PE, PROGRAM),  # a program appended after %%EOF
        (PDF_BYTES + PE + b"\n%%EOF\n", PROGRAM),  # … and hidden behind another %%EOF
        (PDF_BYTES + ELF, PROGRAM),
        (PDF_BYTES + b"<html><script>alert(1)</script></html>", TRAILING),
        (PDF_BYTES.replace(b"%%EOF\n", b""), TRAILING),  # no %%EOF at all
        (b"%PDF-1.4\n" + b"not a pdf at all " * 20 + b"\n%%EOF\n", NOT_PARSED),
        (PDF_BYTES.replace(b"startxref\n164", b"startxref\n999"), NOT_PARSED),
        (pdf_from_pypdf(0), "PDF 文件没有页面"),
        (pdf_from_pypdf(1, password="secret"), "PDF 文件已加密，请上传未加密的文件"),
        (PE + PDF_BYTES, NOT_SUPPORTED),  # an MZ header at the start: a program, not a PDF
        (ELF + PDF_BYTES, NOT_SUPPORTED),
    ],
)
def test_what_is_not_a_whole_pdf_is_refused(content, message):
    assert refusal(content) == [message]


def test_a_program_inside_an_image_is_refused_too():
    assert refusal(PNG_BYTES + PE, name="photo.png") == [PROGRAM]


@pytest.mark.django_db
def test_a_polyglot_upload_is_refused_by_field_and_not_stored(world):
    client = APIClient()
    client.force_authenticate(world.applicant)
    pk = client.post("/api/cases/drafts/", {"item": world.item.pk}, format="json").json()["id"]
    upload = SimpleUploadedFile("scan.pdf", PDF_BYTES + PE, content_type="application/pdf")
    resp = client.post(
        f"/api/cases/drafts/{pk}/materials/",
        {"material": world.id_card.pk, "file": upload},
        format="multipart",
    )
    assert resp.status_code == 400
    assert resp.json() == {"file": [PROGRAM]}
    assert not CaseMaterial.objects.exists()
