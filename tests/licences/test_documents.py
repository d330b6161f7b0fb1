"""The licence PDF as a holder, a verifier and an archive see it
(poppler as the independent reader)."""

import shutil
import subprocess

import pytest

from govserve.accounts.models import Representation
from govserve.licences import documents, qrlinks
from govserve.licences.models import Licence
from tests.accounts.factories import OrganisationFactory
from tests.licences.worlds import FOOD_FORM, approved_case, make_licence_type

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed"),
]


def _pdf(licence: Licence) -> bytes:
    with licence.pdf.open("rb") as handle:
        return handle.read()


def _poppler(tool: str, data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "licence.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _text(data: bytes, tmp_path) -> str:
    return "".join(_poppler("pdftotext", data, tmp_path).split())


def test_the_licence_pdf_embeds_its_font_and_references_no_other(issued_licence, tmp_path):
    fonts = _poppler("pdffonts", _pdf(issued_licence), tmp_path).splitlines()[2:]
    assert fonts, "the licence has text"
    for line in fonts:
        columns = line.split()
        assert "Helvetica" not in columns[0]
        assert columns[-5] == "yes", line  # emb


def test_the_licence_shows_what_it_certifies(world, issued_licence, tmp_path):
    text = _text(_pdf(issued_licence), tmp_path)
    for expected in (
        "食品经营许可证",
        f"证照编号：{issued_licence.number}",
        "持证人",
        "王小明",
        "经营场所",
        FOOD_FORM["business_address"].replace(" ", ""),
        "主体业态",
        "餐饮服务经营者",
        f"发证机关：{world.market.name}",
        "有效期",
        f"{issued_licence.valid_until.year}年{issued_licence.valid_until.month}月",
        issued_licence.identifier,
        "本证照依法签发",
    ):
        assert expected in text, expected
    # the chinese date of issue (二〇二六年…日)
    assert "发证日期：二〇" in text
    # a person's ID number is masked on the licence, only the ends show
    full = issued_licence.holder_id_number
    assert full not in text and f"{full[:4]}**********{full[-4:]}" in text


def test_a_business_licence_prints_the_full_credit_code(world, food_licence_type, tmp_path):
    company = OrganisationFactory(name="广安市好味道餐饮有限公司")
    Representation.objects.create(
        organisation=company, person=world.applicant, kind=Representation.Kind.AGENT
    )
    licence = approved_case(world, organisation=company, form_data=dict(FOOD_FORM)).licences.get()
    text = _text(_pdf(licence), tmp_path)
    assert "统一社会信用代码" in text and company.uscc in text and company.name in text


def test_orientation_follows_the_layout(world, tmp_path):
    make_licence_type(world, layout={"orientation": "portrait"}, name="小作坊登记证")
    licence = approved_case(world).licences.get()
    info = _poppler("pdfinfo", _pdf(licence), tmp_path)
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
    assert width < height  # portrait A4
    assert "小作坊登记证" in _text(_pdf(licence), tmp_path)  # no layout title: the type's name


def test_the_seal_picture_is_on_the_page(issued_licence, tmp_path):
    images = _poppler("pdfimages", _pdf(issued_licence), tmp_path, "-list").splitlines()[2:]
    assert len(images) >= 1  # the seal (the QR code is vector, not an image)


def test_the_qr_code_encodes_the_verification_link(issued_licence, monkeypatch):
    seen: list[str] = []
    real = documents.qr_matrix

    def spy(data: str):
        seen.append(data)
        return real(data)

    monkeypatch.setattr(documents, "qr_matrix", spy)
    documents.render_licence_pdf(issued_licence, issued_licence.seal)
    url = qrlinks.verification_url(issued_licence.identifier)
    assert seen == [url]
    assert "/verify/" in url and qrlinks.token_matches(
        issued_licence.identifier, url.split("?t=")[1]
    )


def test_qr_modules_are_drawn_one_rectangle_per_dark_run():
    matrix = documents.qr_matrix("https://example.invalid/verify/x/?t=abc")
    assert len(matrix) == len(matrix[0]) >= 21  # a square QR code (version 1 is 21 modules)

    class Recorder:
        def __init__(self):
            self.rects = []

        def saveState(self):
            pass

        def restoreState(self):
            pass

        def setFillColor(self, colour):
            pass

        def rect(self, x, y, w, h, stroke, fill):
            self.rects.append((x, y, w, h))

    recorder = Recorder()
    documents.draw_qr(recorder, matrix, 0, 0, len(matrix))
    dark = sum(sum(row) for row in matrix)
    assert sum(w for _x, _y, w, _h in recorder.rects) == dark  # every dark module, once
    # the top-left finder pattern: its first row is seven dark modules in one run
    assert (0, len(matrix) - 1, 7, 1) in recorder.rects


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="pdfsig not installed")
def test_pdfsig_accepts_the_signature_and_one_flipped_byte_breaks_it(issued_licence, tmp_path):
    data = _pdf(issued_licence)
    path = tmp_path / "licence.pdf"
    path.write_bytes(data)
    good = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid" in good.stdout, good.stdout
    broken = bytearray(data)
    spot = data.index(b"stream") + 20  # inside the first content stream, not the signature
    broken[spot] ^= 0x01
    path.write_bytes(bytes(broken))
    bad = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid" not in bad.stdout
