"""The public verification pages (/verify/…): anonymous, no JavaScript, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govserve.accounts.masking import mask_id_number
from govserve.licences import qrlinks, services
from tests.licences.test_verification import flip_byte, issue_licence, pdf_bytes, plain_pdf

VERIFY = "/verify/"


@pytest.fixture
def licence(world, licence_type):
    return issue_licence(world, licence_type)


def qr_path(licence) -> str:
    """The path and query of the link printed in the licence's QR code."""
    url = qrlinks.verification_url(licence.identifier)
    return url[url.index("/verify/") :]


def upload(client, data: bytes, name="licence.pdf"):
    return client.post(VERIFY, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_the_form_is_public_and_works_without_javascript(client, db):
    response = client.get(reverse("licences:verify"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "电子证照核验" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="identifier"' in page and 'name="file"' in page
    assert "<script" not in page


def test_the_qr_link_shows_an_authentic_licence_with_the_holder_id_masked(client, world, licence):
    response = client.get(qr_path(licence))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-outcome="authentic"' in page
    assert "真实有效" in page
    assert "广安市广安区市场监督管理局" in page
    assert licence.number in page and licence.identifier in page
    assert "食品经营许可证" in page and "王小明" in page
    assert mask_id_number(world.applicant.id_number) in page
    assert world.applicant.id_number not in page
    # the verdict is in words (and a mark), not only in colour
    assert "verdict-ok" in page and "✓" in page
    assert page.count("✓ 通过") == 5


def test_uploading_the_pdf_shows_the_same_verdict(client, world, licence):
    response = upload(client, pdf_bytes(licence))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-outcome="authentic"' in page
    assert licence.identifier in page
    assert world.applicant.id_number not in page


def test_a_typed_identifier_is_verified_from_the_form(client, licence):
    response = client.get(VERIFY, {"identifier": licence.identifier})

    assert response.status_code == 200
    assert 'data-outcome="authentic"' in response.content.decode()


def test_a_flipped_byte_is_shown_as_tampered_in_red_words(client, licence):
    response = upload(client, flip_byte(pdf_bytes(licence)))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="tampered"' in page
    assert "verdict-bad" in page and "请勿采信" in page
    assert "文件已被篡改" in page


def test_a_wrong_check_character_is_explained(client, licence):
    wrong = licence.identifier[:-1] + ("A" if licence.identifier[-1] != "A" else "B")

    response = client.get(VERIFY, {"identifier": wrong})

    page = response.content.decode()
    assert 'data-outcome="invalid_identifier"' in page
    assert "校验位不正确" in page


def test_a_forged_qr_token_is_called_out(client, licence):
    response = client.get(f"/verify/{licence.identifier}/", {"t": "not-ours"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="forged_qr"' in page
    assert "二维码不是本平台生成的" in page
    assert "王小明" not in page


def test_a_revoked_licence_shows_the_status_and_reason(client, world, licence):
    services.revoke(licence, world.market_approver, reason="以欺骗手段取得许可")

    page = client.get(qr_path(licence)).content.decode()

    assert 'data-status="revoked"' in page
    assert "verdict-warning" in page
    assert "以欺骗手段取得许可" in page and "已撤销" in page


def test_a_superseded_licence_links_to_the_new_version(client, world, licence):
    newer = services.change(
        licence,
        world.market_approver,
        data={"business_address": "广安区北辰街道建设路 2 号", "business_scope": "预包装食品销售"},
        reason="经营场所变更",
    )

    page = client.get(qr_path(licence)).content.decode()

    assert 'data-status="superseded"' in page
    assert newer.identifier in page
    assert "请以新版本为准" in page


@pytest.mark.parametrize(
    "path",
    [
        "/verify/1.2.156.3005.2.abc/def/../ghi/",
        "/verify/%E8%AF%81%E7%85%A7%2F%00/",
        "/verify/..%2F..%2Fetc%2Fpasswd/",
        "/verify/" + "9" * 2000 + "/",
        "/verify/1.2.156.3005.2.x.y.z.w.v/?t=%FF%FE",
    ],
)
def test_weird_identifiers_in_the_address_get_an_answer(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    assert 'data-outcome="invalid_identifier"' in response.content.decode()


def test_an_unsigned_pdf_is_unknown(client, db):
    page = upload(client, plain_pdf()).content.decode()

    assert 'data-outcome="unknown"' in page
    assert "这不是本平台签发的电子证照，或文件中没有电子签名" in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "提交的是空文件"),  # Django's own FileField message for an empty upload
        (b"\x89PNG\r\n\x1a\n not a pdf", "这不是 PDF 文件"),
        (b"%PDF-1.7\n\x00\xff broken", "无法读取该 PDF 文件"),
    ],
)
def test_garbage_uploads_are_refused_on_the_form(client, db, data, words):
    response = upload(client, data, name="x.pdf")

    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert 'aria-invalid="true"' in page


def test_a_file_over_the_limit_is_refused_with_413(client, db, settings):
    settings.GOVSERVE = {**settings.GOVSERVE, "VERIFY_MAX_BYTES": 1024 * 1024}

    response = upload(client, b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert "不能超过 1 MB" in response.content.decode()


def test_a_post_with_nothing_asks_for_an_identifier_or_a_file(client, db):
    response = client.post(VERIFY, {})

    assert response.status_code == 400
    assert "请输入电子证照标识，或上传电子证照 PDF 文件" in response.content.decode()


def test_an_empty_identifier_search_asks_again(client, db):
    response = client.get(VERIFY, {"identifier": "  "})

    assert response.status_code == 400


def test_a_too_long_identifier_is_a_field_error(client, db):
    response = client.get(VERIFY, {"identifier": "1" * 301})

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_broken_multipart_body_is_a_400(client, db):
    body = b'--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-'
    response = client.generic(
        "POST",
        VERIFY,
        body,
        content_type="multipart/form-data; boundary=XYZ",
    )

    assert response.status_code == 400


def test_a_multipart_body_without_boundary_is_a_400(client, db):
    response = client.generic("POST", VERIFY, b"garbage", content_type="multipart/form-data")

    assert response.status_code == 400


def test_other_methods_are_refused(client, db):
    assert client.put(VERIFY).status_code == 405
    assert client.delete(f"/verify/{'1' * 10}/").status_code == 405
