"""Written documents (文书): every kind is a real A4 PDF with its 文号, the applicant, the case
number, the department and the date in Chinese, and an embedded Chinese font.

The PDFs are read back with poppler's `pdftotext` and `pdffonts` (Debian poppler-utils; the
Makefile installs it for `make test`)."""

import datetime as dt
import hashlib
import shutil
import subprocess
import threading

import pytest
from django.db import connection
from django.utils import timezone

from govserve.cases import documents, services
from govserve.cases.models import DOCUMENT_NUMBER, CaseDocument, DocumentKind
from govserve.cases.pdf import DocumentFontError, chinese_date, render_pdf
from govserve.core.models import Serial
from tests.cases.worlds import pdf
from tests.regions.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftotext, pdffonts) is not installed; `make test` installs it",
)


def apply(world, applicant=None):
    case, _created = services.apply(
        applicant or world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


def read(doc: CaseDocument) -> bytes:
    with doc.file.open("rb") as f:
        return f.read()


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(data: bytes, tmp_path) -> list[dict[str, str]]:
    """pdffonts' table as rows: name, type, emb (yes/no)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        # name type [type-part] encoding emb sub uni object ID: emb is the 5th field from the end
        rows.append({"name": parts[0], "type": parts[1], "emb": parts[-5]})
    return rows


def all_kinds(world) -> list[CaseDocument]:
    """One case through every document: correction, acceptance, suspension, extension,
    approval; another refused, a third denied."""
    case = apply(world)
    services.request_correction(
        case, world.clerk, entries=[{"material": "经营场所平面图", "reason": "未标注面积"}]
    )
    services.resubmit(case, world.applicant)
    services.accept(case, world.clerk)
    services.suspend_clock(
        case,
        world.market_reviewer,
        reason="inspection",
        explanation="需现场核查经营场所",
        expected_end=timezone.localdate() + dt.timedelta(days=3),
    )
    services.resume_clock(case, world.market_reviewer)
    ext = services.request_extension(case, world.market_reviewer, days=5, reasons="需补充核查")
    services.decide_extension(ext, world.market_approver, approve=True)
    services.decide(case, world.market_approver, outcome="approved")
    refused = services.refuse(
        apply(world), world.clerk, reasons="不属于本机关职权", competent_agency="广安区卫生健康局"
    )
    denied = services.accept(apply(world), world.clerk)
    services.decide(denied, world.market_approver, outcome="denied", reasons="经营场所不符合要求")
    return list(CaseDocument.objects.filter(case__in=[case, refused, denied]))


def test_dates_are_written_in_chinese():
    assert chinese_date(dt.date(2026, 11, 30)) == "二〇二六年十一月三十日"
    assert chinese_date(dt.date(2027, 1, 1)) == "二〇二七年一月一日"
    assert chinese_date(dt.date(2026, 10, 10)) == "二〇二六年十月十日"
    assert chinese_date(dt.date(2026, 12, 25)) == "二〇二六年十二月二十五日"
    assert chinese_date(dt.date(2030, 2, 19)) == "二〇三〇年二月十九日"


@needs_poppler
def test_every_kind_of_document_renders_with_its_number_applicant_and_embedded_font(
    world, tmp_path
):
    docs = all_kinds(world)
    assert {d.kind for d in docs} == set(DocumentKind.values)
    for doc in docs:
        data = read(doc)
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == doc.sha256
        text = pdf_text(data, tmp_path)
        compact = "".join(text.split())
        assert "王小明" in compact
        assert doc.number in compact
        assert doc.case.number in compact
        assert "广安市广安区市场监督管理局" in compact
        assert chinese_date(doc.issued_on) in compact
        fonts = pdf_fonts(data, tmp_path)
        assert fonts, "the document has no fonts"
        assert all(f["emb"] == "yes" and f["type"].startswith("TrueType") for f in fonts), fonts


@needs_poppler
def test_the_titles_and_the_texts_say_what_happened(world, tmp_path):
    by_kind = {d.kind: d for d in all_kinds(world)}

    def text(kind):
        data = read(by_kind[kind])
        return "".join(pdf_text(data, tmp_path).split())

    assert "受理通知书" in text(DocumentKind.ACCEPTANCE)
    assert "补正材料一次性告知书" in text(DocumentKind.CORRECTION)
    assert "经营场所平面图：未标注面积" in text(DocumentKind.CORRECTION)
    refusal = text(DocumentKind.REFUSAL)
    assert "不予受理决定书" in refusal and "广安区卫生健康局" in refusal
    assert "行政复议" in refusal
    assert "暂停计时告知书" in text(DocumentKind.SUSPENSION)
    assert "延长审批期限告知书" in text(DocumentKind.EXTENSION)
    assert "准予行政许可决定书" in text(DocumentKind.APPROVAL)
    denial = text(DocumentKind.DENIAL)
    assert "不予行政许可决定书" in denial and "经营场所不符合要求" in denial
    assert "六个月内" in denial


@needs_poppler
def test_long_chinese_text_wraps_inside_the_page_and_flows_onto_a_second(world, tmp_path):
    case = apply(world)
    long_reason = "申请材料中的经营场所平面图与现场情况不符，" * 200
    services.refuse(case, world.clerk, reasons=long_reason)
    doc = case.documents.get(kind=DocumentKind.REFUSAL)
    data = read(doc)
    text = pdf_text(data, tmp_path)
    assert "\f" in text.rstrip("\f"), "a long text continues on a second page"
    # Every line stays within the width of the page: no line carries the whole paragraph.
    longest = max(len(line.strip()) for line in text.splitlines())
    assert longest < 80
    assert "第2页" in "".join(text.split())


def test_numbers_run_per_department_kind_and_year(world):
    other = DepartmentFactory(
        name="广安市前锋区市场监督管理局", short_name="区市场监管局", region=world.county
    )
    a = apply(world)
    b = apply(world)
    services.accept(a, world.clerk)
    services.accept(b, world.clerk)
    year = timezone.localdate().year
    numbers = list(
        CaseDocument.objects.filter(kind=DocumentKind.ACCEPTANCE)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    assert numbers == [f"区市场监管局受字〔{year}〕第1号", f"区市场监管局受字〔{year}〕第2号"]
    # Refusals count on their own; another department with the same abbreviation too.
    services.refuse(apply(world), world.clerk, reasons="不符合条件")
    assert CaseDocument.objects.get(kind=DocumentKind.REFUSAL).number == (
        f"区市场监管局不受字〔{year}〕第1号"
    )
    doc = documents.issue_document(
        a, DocumentKind.ACCEPTANCE, department=other, text="测试", on=dt.date(year, 1, 5)
    )
    assert doc.number == f"区市场监管局受字〔{year}〕第1号"
    # A new year starts again at 1.
    doc = documents.issue_document(
        a, DocumentKind.ACCEPTANCE, department=world.market, text="测试", on=dt.date(year + 1, 1, 4)
    )
    assert doc.number == f"区市场监管局受字〔{year + 1}〕第1号"


def test_a_department_without_an_abbreviation_uses_its_name(world):
    dept = DepartmentFactory(name="广安市广安区行政审批局", short_name="", region=world.county)
    doc = documents.issue_document(
        apply(world), DocumentKind.APPROVAL, department=dept, text="准予", on=dt.date(2026, 3, 2)
    )
    assert doc.number == "广安市广安区行政审批局准字〔2026〕第1号"


def test_a_missing_font_is_a_clear_error_and_nothing_is_written(world, settings):
    case = apply(world)
    settings.GOVSERVE_PDF_FONT = "/nonexistent/fonts/missing.ttc"
    with pytest.raises(DocumentFontError) as exc:
        services.accept(case, world.clerk)
    assert "/nonexistent/fonts/missing.ttc" in str(exc.value)
    assert "GOVSERVE_PDF_FONT" in str(exc.value)
    case.refresh_from_db()
    assert case.state == "submitted"
    assert not CaseDocument.objects.exists()
    assert not Serial.objects.filter(scope=DOCUMENT_NUMBER, last__gt=0).exists()


def test_a_font_that_cannot_be_embedded_is_refused(world, settings, tmp_path):
    # An OpenType font with PostScript outlines starts with "OTTO": reportlab cannot embed it.
    fake = tmp_path / "cff.otf"
    fake.write_bytes(b"OTTO" + b"\0" * 200)
    settings.GOVSERVE_PDF_FONT = str(fake)
    doc = CaseDocument(
        case=apply(world),
        kind=DocumentKind.ACCEPTANCE,
        number="x",
        issued_on=dt.date(2026, 5, 6),
        department=world.market,
        text="x",
    )
    with pytest.raises(DocumentFontError) as exc:
        render_pdf(doc)
    assert "TrueType" in str(exc.value)


@pytest.mark.django_db(transaction=True)
def test_concurrent_documents_never_share_a_number(world):
    """Two documents issued at the same moment in two transactions get two numbers."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite has one writer at a time by design; its shared-cache test database answers "
            "a second writer with 'table is locked' instead of waiting. Row locks: PostgreSQL."
        )
    case = apply(world)
    errors, barrier = [], threading.Barrier(4)

    def issue():
        from django.db import connection as conn

        try:
            barrier.wait()
            documents.issue_document(
                case,
                DocumentKind.SUSPENSION,
                department=world.market,
                text="并发",
                on=timezone.localdate(),
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = set(
        CaseDocument.objects.filter(kind=DocumentKind.SUSPENSION).values_list("number", flat=True)
    )
    year = timezone.localdate().year
    assert numbers == {f"区市场监管局停字〔{year}〕第{n}号" for n in range(1, 5)}


@needs_poppler
@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler's pdfsig is not installed")
def test_documents_carry_the_departments_seal_and_signature(world, tmp_path):
    """Sealed by the signing app (the default), the seal picture replaces the dashed
    placeholder and the notice is signed by the issuing department."""
    case = services.accept(apply(world), world.clerk)
    data = read(case.documents.get(kind=DocumentKind.ACCEPTANCE))
    assert "电子印章位置" not in "".join(pdf_text(data, tmp_path).split())
    path = tmp_path / "sealed.pdf"
    path.write_bytes(data)
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert " image " in images, "the seal picture is in the page"
    sig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in sig and "广安市广安区市场监督管理局" in sig


@needs_poppler
def test_without_sealing_documents_are_issued_unsigned_with_a_placeholder(
    world, settings, tmp_path
):
    settings.GOVSERVE = {**settings.GOVSERVE, "SEAL_DOCUMENTS": False}
    case = services.accept(apply(world), world.clerk)
    data = read(case.documents.get(kind=DocumentKind.ACCEPTANCE))
    assert "（电子印章位置）" in "".join(pdf_text(data, tmp_path).split())
    assert b"/ByteRange" not in data
