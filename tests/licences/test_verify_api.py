"""The public verification API (/api/licences/verify/): anonymous, the verdict as JSON."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from govserve.accounts.masking import mask_id_number
from govserve.licences import qrlinks, services
from tests.licences.test_verification import (
    append_update,
    flip_byte,
    issue_licence,
    pdf_bytes,
    plain_pdf,
)

URL = "/api/licences/verify/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def licence(world, licence_type):
    return issue_licence(world, licence_type)


def post_file(api, data: bytes, name="licence.pdf"):
    return api.post(
        URL, {"file": SimpleUploadedFile(name, data, "application/pdf")}, format="multipart"
    )


def test_the_route_is_named(db):
    assert reverse("licence-verify") == URL


def test_get_by_identifier_and_token_answers_authentic(api, world, licence):
    response = api.get(
        URL, {"identifier": licence.identifier, "t": qrlinks.token(licence.identifier)}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "authentic"
    assert body["verdict"] == "ok"
    assert body["status"] == "valid"
    assert body["identifier"] == licence.identifier
    assert body["issuer"] == "广安市广安区市场监督管理局"
    assert body["licence_type"] == "食品经营许可证"
    assert body["holder_name"] == "王小明"
    assert body["holder_id_masked"] == mask_id_number(world.applicant.id_number)
    assert body["issued_on"] == licence.issued_on.isoformat()
    assert body["valid_until"] == licence.valid_until.isoformat()
    assert body["headline"].startswith("真实有效：")
    assert [check["ok"] for check in body["checks"]] == [True] * 5
    assert body["document"] is None
    assert world.applicant.id_number not in response.content.decode()


def test_post_the_pdf_answers_authentic(api, world, licence):
    response = post_file(api, pdf_bytes(licence))

    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "authentic"
    assert body["identifier"] == licence.identifier
    assert world.applicant.id_number not in json.dumps(body, ensure_ascii=False)


def test_post_an_identifier_as_json(api, licence):
    response = api.post(URL, {"identifier": licence.identifier}, format="json")

    assert response.status_code == 200
    assert response.json()["outcome"] == "authentic"


@pytest.mark.parametrize(
    ("tamper", "words"),
    [(flip_byte, "电子签名与内容不符"), (append_update, "追加")],
)
def test_a_tampered_pdf_answers_tampered(api, licence, tamper, words):
    response = post_file(api, tamper(pdf_bytes(licence)))

    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "tampered"
    assert body["verdict"] == "bad"
    assert words in body["headline"]
    assert body["identifier"] == ""


def test_a_revoked_licence_answers_with_status_and_reason(api, world, licence):
    services.revoke(licence, world.market_approver, reason="以欺骗手段取得许可")

    body = api.get(URL, {"identifier": licence.identifier}).json()

    assert body["outcome"] == "authentic"
    assert body["status"] == "revoked"
    assert body["verdict"] == "warning"
    assert body["status_reason"] == "以欺骗手段取得许可"
    assert body["status_changed_at"]


def test_a_wrong_check_character_and_a_forged_token_are_verdicts(api, licence):
    wrong = licence.identifier[:-1] + ("A" if licence.identifier[-1] != "A" else "B")

    bad_check = api.get(URL, {"identifier": wrong})
    forged = api.get(URL, {"identifier": licence.identifier, "t": "made-up"})

    assert bad_check.status_code == 200
    assert bad_check.json()["outcome"] == "invalid_identifier"
    assert "校验位" in bad_check.json()["headline"]
    assert forged.json()["outcome"] == "forged_qr"
    assert forged.json()["holder_name"] == ""


def test_an_unsigned_pdf_is_unknown(api, db):
    body = post_file(api, plain_pdf()).json()

    assert body["outcome"] == "unknown"


def test_missing_input_is_a_field_error(api, db):
    no_identifier = api.get(URL)
    nothing_posted = api.post(URL, {}, format="multipart")
    long_identifier = api.get(URL, {"identifier": "1" * 301})

    assert no_identifier.status_code == 400
    assert no_identifier.json() == {"identifier": ["请输入电子证照标识"]}
    assert nothing_posted.status_code == 400
    assert list(nothing_posted.json()) == ["file"]
    assert long_identifier.status_code == 400
    assert "identifier" in long_identifier.json()


@pytest.mark.parametrize(
    ("data", "field_words"),
    [
        (b"", "文件为空"),
        (b"MZ\x90\x00 an executable", "不是 PDF"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<", "无法读取"),
    ],
)
def test_garbage_uploads_are_400_with_the_reason(api, db, data, field_words):
    response = post_file(api, data)

    assert response.status_code == 400
    assert field_words in response.json()["file"][0]


def test_an_oversized_upload_is_413(api, db, settings):
    settings.GOVSERVE = {**settings.GOVSERVE, "VERIFY_MAX_BYTES": 1024 * 1024}

    response = post_file(api, b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert "不能超过 1 MB" in response.json()["file"][0]


def test_broken_request_bodies_are_400(api, db):
    no_boundary = api.generic("POST", URL, b"junk", content_type="multipart/form-data")
    bad_json = api.generic("POST", URL, b"{not json", content_type="application/json")
    json_list = api.generic("POST", URL, b"[1, 2]", content_type="application/json")
    file_as_text = api.post(URL, {"file": "JVBERi0xLjQK"}, format="json")

    assert no_boundary.status_code == 400
    assert bad_json.status_code == 400
    assert json_list.status_code == 400
    assert file_as_text.status_code == 400
    assert "multipart" in file_as_text.json()["file"][0]


def test_no_login_is_read_not_even_a_bad_token(api, licence):
    response = api.get(
        URL, {"identifier": licence.identifier}, HTTP_AUTHORIZATION="Bearer not-a-real-token"
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "authentic"


def test_the_schema_documents_the_endpoint(api, db):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    operations = schema["paths"][URL]
    assert {"get", "post"} <= set(operations)
    assert "multipart/form-data" in operations["post"]["requestBody"]["content"]
