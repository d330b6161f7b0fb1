"""The electronic archive (电子档案): documents and licences go into an append-only chain whose
entries each hash the previous one; tampering is found; a case's package downloads as one zip."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from govserve.accounts.models import PersonalDataAccess, RoleGrant
from govserve.audit import archive
from govserve.audit.models import ArchiveEntry, ArchiveKind
from govserve.cases import services as case_services
from govserve.cases.models import CaseDocument, DocumentKind
from govserve.licences.models import Licence, LicenceEvent
from govserve.signing.models import Algorithm, Certificate
from tests.cases.worlds import pdf, staff
from tests.licences.test_once_only import make_licence


def apply(world, applicant=None):
    case, _created = case_services.apply(
        applicant or world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


def accepted(world, applicant=None):
    return case_services.accept(apply(world, applicant), world.clerk)


def tamper(sql: str, params=()) -> None:
    """What someone with database access could do, bypassing the model."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# -- appending ------------------------------------------------------------------------------------
def test_an_issued_document_is_archived_with_its_digest(world):
    case = accepted(world)
    document = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    entry = ArchiveEntry.objects.get(document=document)
    assert entry.kind == ArchiveKind.DOCUMENT
    assert entry.title == f"受理通知书 {document.number}"
    assert entry.case_id == case.pk
    with document.file.open("rb") as handle:
        assert entry.content_sha256 == hashlib.sha256(handle.read()).hexdigest()
    assert entry.metadata["number"] == document.number
    assert entry.metadata["case_number"] == case.number
    assert entry.metadata["department"] == {"name": world.market.name, "uscc": world.market.uscc}
    assert entry.sequence == 1 and entry.previous_hash == "0" * 64
    assert entry.entry_hash == archive.compute_hash(entry)


def test_an_archived_document_carries_its_sm2_seal_signature_which_openssl_accepts(world, tmp_path):
    """GB/T 38540: the seal signs the document with SM2 over its SM3 digest
    (ID 1234567812345678)."""
    case = accepted(world)
    document = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    sm2 = ArchiveEntry.objects.get(document=document).metadata["sm2"]
    certificate = Certificate.objects.get(serial_number=sm2["certificate_serial"])
    assert certificate.algorithm == Algorithm.SM2 and certificate.department == world.market
    with document.file.open("rb") as handle:
        (tmp_path / "doc.pdf").write_bytes(handle.read())
    (tmp_path / "sig").write_bytes(bytes.fromhex(sm2["signature"]))
    (tmp_path / "cert.pem").write_text(certificate.pem)
    pub = subprocess.run(
        ["openssl", "x509", "-pubkey", "-noout", "-in", str(tmp_path / "cert.pem")],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    (tmp_path / "pub.pem").write_bytes(pub)
    verify = [
        "openssl", "dgst", "-sm3", "-verify", str(tmp_path / "pub.pem"),
        "-sigopt", "distid:1234567812345678", "-signature", str(tmp_path / "sig"),
        str(tmp_path / "doc.pdf"),
    ]  # fmt: skip
    assert b"Verified OK" in subprocess.run(verify, capture_output=True, check=False).stdout


def test_entries_link_each_to_the_previous_one(world, licence_type):
    accepted(world)
    licence = make_licence(world, licence_type)
    second = archive.append_licence(licence)
    event = LicenceEvent.objects.create(
        licence=licence, action="suspended", description="中止", reason="整改"
    )
    third = archive.append_licence_event(event)
    first = ArchiveEntry.objects.get(sequence=1)
    assert (second.sequence, third.sequence) == (2, 3)
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert third.kind == ArchiveKind.LICENCE_EVENT and third.metadata["reason"] == "整改"


def test_a_licence_entry_holds_signature_details_but_never_the_id_number(world, licence_type):
    licence = make_licence(world, licence_type)
    entry = archive.append_licence(licence)
    assert entry.content_sha256 == licence.pdf_sha256
    meta = entry.metadata
    assert meta["identifier"] == licence.identifier
    assert meta["type_code"] == licence_type.type_code
    assert meta["holder_name"] == world.applicant.real_name
    assert meta["sm2_signature"] == bytes(licence.sm2_signature).hex()
    assert world.applicant.id_number not in archive.canonical_json(archive.entry_content(entry))
    assert meta["holder_id"].startswith(world.applicant.id_number[:4])


def test_an_entry_goes_with_the_transaction_that_made_it(world, licence_type):
    licence = make_licence(world, licence_type)
    with pytest.raises(RuntimeError), transaction.atomic():
        archive.append_licence(licence)
        raise RuntimeError("the decision is refused")
    assert not ArchiveEntry.objects.exists()
    assert archive.append_licence(licence).sequence == 1


def test_the_archive_cannot_be_changed_or_deleted_through_the_application(world):
    accepted(world)
    entry = ArchiveEntry.objects.get()
    entry.title = "改过"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        ArchiveEntry.objects.update(title="改过")
    with pytest.raises(ValidationError):
        ArchiveEntry.objects.all().delete()
    assert ArchiveEntry.objects.get().title.startswith("受理通知书")


@pytest.mark.django_db(transaction=True)
def test_appends_at_the_same_moment_never_fork_the_chain(world, licence_type):
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite has one writer at a time by design; its shared-cache test database answers "
            "a second writer with 'table is locked' instead of waiting. Locks: PostgreSQL."
        )
    licences = [make_licence(world, licence_type, serial=str(n)) for n in range(1, 9)]
    errors, barrier = [], threading.Barrier(len(licences))

    def append(licence):
        from django.db import connection as conn

        try:
            with transaction.atomic():
                barrier.wait()
                archive.append_licence(licence)
        except Exception as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=append, args=(lic,)) for lic in licences]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(ArchiveEntry.objects.values_list("sequence", flat=True)) == list(range(1, 9))
    assert archive.verify_chain() is None


# -- verifying ------------------------------------------------------------------------------------
def three_entries(world) -> list[ArchiveEntry]:
    case = accepted(world)
    case_services.decide(case, world.market_approver, outcome="approved")
    entries = list(ArchiveEntry.objects.order_by("sequence"))
    assert len(entries) >= 2
    return entries


def test_an_untouched_chain_verifies(world):
    entries = three_entries(world)
    assert archive.verify_chain() is None
    assert archive.verify_chain(check_content=True) is None
    assert archive.check_chain().count == len(entries)


def test_a_changed_entry_is_named(world):
    first, second = three_entries(world)[:2]
    tamper("UPDATE licences_archiveentry SET title = %s WHERE id = %s", ["伪造的文书", second.pk])
    bad = archive.verify_chain()
    assert bad.pk == second.pk and bad.title == "伪造的文书"
    assert "本条哈希与内容不一致" in bad.problem


def test_a_rehashed_entry_is_found_by_the_next_link(world):
    first, second = three_entries(world)[:2]
    tamper(
        "UPDATE licences_archiveentry SET content_sha256 = %s, entry_hash = %s WHERE id = %s",
        ["f" * 64, "e" * 64, first.pk],
    )
    bad = archive.verify_chain()
    # the first entry's own hash no longer matches its content
    assert bad.sequence == 1


def test_a_deleted_entry_breaks_the_sequence(world):
    entries = three_entries(world)
    tamper("DELETE FROM licences_archiveentry WHERE id = %s", [entries[0].pk])
    bad = archive.verify_chain()
    assert bad.sequence == entries[1].sequence
    assert "序号不连续" in bad.problem


def test_a_changed_file_is_found_when_contents_are_checked(world):
    three_entries(world)
    document = CaseDocument.objects.order_by("pk").first()
    with open(document.file.path, "ab") as handle:
        handle.write(b"% appended after archiving\n")
    assert archive.verify_chain() is None  # the chain itself still holds
    bad = archive.verify_chain(check_content=True)
    assert bad.document_id == document.pk
    assert "SHA-256 不一致" in bad.problem


def test_a_changed_licence_event_is_found_when_contents_are_checked(world, licence_type):
    licence = make_licence(world, licence_type)
    event = LicenceEvent.objects.create(
        licence=licence, action="revoked", description="撤销", reason="骗取许可"
    )
    archive.append_licence_event(event)
    assert archive.verify_chain(check_content=True) is None
    LicenceEvent.objects.filter(pk=event.pk).update(reason="依申请注销")
    bad = archive.verify_chain(check_content=True)
    assert bad is not None and bad.kind == ArchiveKind.LICENCE_EVENT


# -- the case package ------------------------------------------------------------------------------
def package(world, licence_type):
    """An approved case with its licence (issued on approval, or made here), packaged."""
    case = accepted(world)
    case = case_services.decide(case, world.market_approver, outcome="approved")
    licence = Licence.objects.filter(source_case=case).first()
    if licence is None:
        licence = make_licence(world, licence_type)
        licence.source_case = case
        licence.save(update_fields=["source_case"])
        archive.append_licence(licence)
    return case, licence, zipfile.ZipFile(io.BytesIO(archive.case_package(case)))


def test_the_package_holds_documents_licences_metadata_signatures_and_proof(world, licence_type):
    case, licence, zipped = package(world, licence_type)
    names = zipped.namelist()
    metadata = json.loads(zipped.read("metadata.json"))
    signatures = json.loads(zipped.read("signatures.json"))
    proof = json.loads(zipped.read("chain-proof.json"))
    assert {"metadata.json", "signatures.json", "chain-proof.json", "README.txt"} <= set(names)
    assert metadata["case"]["number"] == case.number
    assert metadata["case"]["applicant_name"] == world.applicant.real_name
    # every document and licence is in the zip with the digest the metadata states
    assert len(metadata["documents"]) == case.documents.count() >= 2
    for doc in metadata["documents"]:
        assert hashlib.sha256(zipped.read(doc["file"])).hexdigest() == doc["sha256"]
    (lic,) = metadata["licences"]
    assert lic["identifier"] == licence.identifier
    assert zipped.read(lic["file"]) == licence.pdf.open("rb").read()
    sm2 = next(s["sm2"] for s in signatures["files"] if "sm2" in s)
    assert zipped.read(sm2["signature_file"]) == bytes(licence.sm2_signature)
    assert zipped.read(sm2["signed_data_file"]) == bytes(licence.signed_data)
    # the chain proof: every entry of this case, each hash recomputable from its canonical form
    entries = proof["entries"]
    assert [e["sequence"] for e in entries] == list(
        ArchiveEntry.objects.filter(case=case).values_list("sequence", flat=True)
    )
    for entry in entries:
        assert hashlib.sha256(entry["canonical"].encode()).hexdigest() == entry["entry_hash"]
    assert proof["head"]["entry_hash"] == ArchiveEntry.objects.order_by("-sequence")[0].entry_hash
    assert "如何核验" in zipped.read("README.txt").decode()
    # the ID number is masked in what describes the case; only the exact bytes the SM2
    # signature covers carry it (the README warns that the package holds personal data)
    for name in ("metadata.json", "signatures.json", "chain-proof.json"):
        assert world.applicant.id_number.encode() not in zipped.read(name)
    assert "个人信息" in zipped.read("README.txt").decode()


def test_the_applicant_and_staff_download_the_package_others_do_not(client, world, licence_type):
    case, _licence, _zipped = package(world, licence_type)
    url = reverse("audit:case-archive", args=[case.pk])
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(world.other_applicant)
    assert client.get(url).status_code == 404
    client.force_login(world.applicant)
    mine = client.get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(mine.content)).read("metadata.json")
    assert not PersonalDataAccess.objects.exists()
    client.force_login(world.market_reviewer)
    assert client.get(url).status_code == 200
    assert PersonalDataAccess.objects.filter(viewer=world.market_reviewer).count() == 1


def test_the_api_gives_the_package_and_checks_the_chain(client, world, licence_type):
    case, _licence, _zipped = package(world, licence_type)
    url = reverse("licence-archive-package", args=[case.pk])
    verify = reverse("licence-archive-verify")
    client.force_login(world.other_applicant)
    assert client.get(url).status_code == 404
    assert client.get(verify).status_code == 403
    client.force_login(world.applicant)
    assert client.get(url).status_code == 200
    supervisor = staff("supervisor", "supervisor", world.county)
    client.force_login(supervisor)
    answer = client.get(verify).json()
    assert answer["ok"] is True and answer["count"] == ArchiveEntry.objects.count()
    assert answer["first_bad"] is None
    tamper("UPDATE licences_archiveentry SET title = %s WHERE sequence = 2", ["伪造"])
    answer = client.get(verify).json()
    assert answer["ok"] is False
    assert answer["first_bad"]["sequence"] == 2 and answer["first_bad"]["title"] == "伪造"
    assert RoleGrant.objects.filter(user=supervisor).exists()


def test_the_case_page_links_its_licence_and_the_archive_package(client, world, licence_type):
    case, licence, _zipped = package(world, licence_type)
    client.force_login(world.applicant)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert licence.number in page
    assert reverse("licences:wallet-licence", args=[licence.pk]) in page
    assert reverse("licences:verify-identifier", args=[licence.identifier]) in page
    assert reverse("audit:case-archive", args=[case.pk]) in page
