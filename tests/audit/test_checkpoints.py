"""Checkpoints (档案链校验点) anchor the archive chain: deleting its last entries, rewriting an
entry and recomputing every later hash, forging a checkpoint line or editing the licence register
are all found by `govserve verify_archive`, which a chain alone cannot show."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from govserve.audit import archive, checkpoints, tasks
from govserve.audit.errors import ArchiveError
from govserve.audit.models import ArchiveCheckpoint, ArchiveEntry
from govserve.celery import app
from govserve.licences.models import Licence
from govserve.signing import pki, sm2
from govserve.signing.models import Algorithm
from tests.cases.worlds import staff
from tests.licences.factories import LicenceFactory
from tests.licences.worlds import approved_case


def tamper(sql: str, params=()) -> None:
    """What someone with write access to the database could do, bypassing the model."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rehash_from(sequence: int) -> None:
    """Recompute `entry_hash` and `previous_hash` of every entry from `sequence` on, so the
    chain links up again after an entry was edited (what a careful forger does)."""
    previous = ArchiveEntry.objects.get(sequence=sequence - 1).entry_hash if sequence > 1 else None
    for entry in ArchiveEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        entry.previous_hash = previous or archive.GENESIS_HASH
        entry.entry_hash = archive.compute_hash(entry)
        tamper(
            "UPDATE licences_archiveentry SET previous_hash = %s, entry_hash = %s WHERE id = %s",
            [entry.previous_hash, entry.entry_hash, entry.pk],
        )
        previous = entry.entry_hash


def verify(*args) -> str:
    """`verify_archive`'s complaint (it must fail with exit status 1)."""
    with pytest.raises(CommandError) as failed:
        call_command("verify_archive", *args)
    assert failed.value.returncode == 1
    return str(failed.value)


def passes(capsys, *args) -> str:
    call_command("verify_archive", *args)
    return capsys.readouterr().out


@pytest.fixture
def issued(world, licence_type):
    """An approved case whose licence was issued (signed and archived) on approval."""
    case = approved_case(world)
    licence = Licence.objects.get(source_case=case)
    assert ArchiveEntry.objects.count() >= 3
    return case, licence


@pytest.fixture
def checkpointed(issued, capsys):
    """The archive of `issued`, checkpointed once with `govserve archive_checkpoint`."""
    call_command("archive_checkpoint")
    out = capsys.readouterr().out
    assert "已生成校验点" in out
    return issued


def lines(folder) -> list[str]:
    return (folder / checkpoints.FILE_NAME).read_text(encoding="utf-8").splitlines()


# -- writing --------------------------------------------------------------------------------------
def test_a_checkpoint_signs_the_length_and_head_into_the_file_and_the_table(
    checkpointed, checkpoint_dir
):
    head = ArchiveEntry.objects.order_by("-sequence").first()
    [line] = lines(checkpoint_dir)
    written = json.loads(line)
    assert written["length"] == head.sequence == ArchiveEntry.objects.count()
    assert written["head_hash"] == head.entry_hash
    root = pki.root_certificate(Algorithm.SM2)
    assert written["certificate_serial"] == root.serial_number
    assert written["certificate_sha256"] == hashlib.sha256(pki.certificate_der(root)).hexdigest()
    signed = {k: v for k, v in written.items() if k != "signature"}
    assert sm2.verify(
        pki.public_key_pem(root),
        archive.canonical_json(signed).encode(),
        bytes.fromhex(written["signature"]),
    )
    row = ArchiveCheckpoint.objects.get()
    assert row.line == line and row.length == head.sequence and row.head_hash == head.entry_hash


def test_openssl_accepts_a_checkpoint_with_the_published_root_certificate(
    checkpointed, checkpoint_dir, client, tmp_path
):
    """What the public page tells anyone to do, with nothing of GovServe's code."""
    written = json.loads(lines(checkpoint_dir)[0])
    signature = bytes.fromhex(written.pop("signature"))
    (tmp_path / "checkpoint.json").write_bytes(
        json.dumps(written, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    (tmp_path / "checkpoint.sig").write_bytes(signature)
    root_der = client.get(reverse("signing:root-certificate", args=["sm2"])).content
    assert hashlib.sha256(root_der).hexdigest() == written["certificate_sha256"]
    (tmp_path / "sm2.crt").write_bytes(root_der)
    pub = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-in", str(tmp_path / "sm2.crt"), "-pubkey",
         "-noout"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    (tmp_path / "sm2.pub").write_bytes(pub)
    result = subprocess.run(
        ["openssl", "dgst", "-sm3", "-verify", str(tmp_path / "sm2.pub"),
         "-sigopt", "distid:1234567812345678", "-signature", str(tmp_path / "checkpoint.sig"),
         str(tmp_path / "checkpoint.json")],
        capture_output=True, check=False,
    )  # fmt: skip
    assert b"Verified OK" in result.stdout, result.stderr


def test_an_empty_archive_is_checkpointed_at_length_zero(db, checkpoint_dir, capsys):
    call_command("archive_checkpoint")
    written = json.loads(lines(checkpoint_dir)[0])
    assert written["length"] == 0 and written["head_hash"] == archive.GENESIS_HASH
    assert "校验点相符：1 个" in passes(capsys)


def test_the_hourly_beat_task_appends_a_checkpoint(checkpointed, checkpoint_dir):
    entry = settings.CELERY_BEAT_SCHEDULE["archive-checkpoint"]
    assert entry["task"] == tasks.archive_checkpoint.name and entry["task"] in app.tasks
    assert entry["schedule"] == 60 * 60
    result = tasks.archive_checkpoint.delay().get()
    assert result["length"] == ArchiveEntry.objects.count()
    assert len(lines(checkpoint_dir)) == 2 and ArchiveCheckpoint.objects.count() == 2


def test_no_checkpoint_is_signed_over_a_chain_that_no_longer_matches_the_last_one(
    checkpointed, checkpoint_dir
):
    last = ArchiveEntry.objects.order_by("-sequence").first()
    tamper("DELETE FROM licences_archiveentry WHERE id = %s", [last.pk])
    with pytest.raises(CommandError) as failed:
        call_command("archive_checkpoint")
    assert failed.value.returncode == 1
    assert "不生成新的校验点" in str(failed.value) and "末尾条目被删除" in str(failed.value)
    with pytest.raises(ArchiveError):
        tasks.archive_checkpoint.delay().get()
    assert len(lines(checkpoint_dir)) == 1 and ArchiveCheckpoint.objects.count() == 1


# -- verifying ------------------------------------------------------------------------------------
def test_a_whole_checkpointed_archive_passes(checkpointed, capsys):
    call_command("archive_checkpoint")
    out = passes(capsys, "--content")
    assert f"档案链完整：{ArchiveEntry.objects.count()} 条" in out
    assert "校验点相符：2 个" in out


def test_without_checkpoints_the_report_says_what_cannot_be_proved(issued, capsys):
    assert "没有校验点" in passes(capsys)


def test_deleting_the_last_entries_is_found(checkpointed):
    count = ArchiveEntry.objects.count()
    last_two = ArchiveEntry.objects.order_by("-sequence")[:2]
    for entry in list(last_two):
        tamper("DELETE FROM licences_archiveentry WHERE id = %s", [entry.pk])
    assert archive.check_chain().ok  # what is left still links up
    message = verify()
    assert "校验点文件第 1 行" in message
    assert f"档案链现有 {count - 2} 条，少于校验点记录的 {count} 条（末尾条目被删除）" in message


def test_deleting_the_last_entries_and_appending_others_is_found(checkpointed, world):
    count = ArchiveEntry.objects.count()
    last = ArchiveEntry.objects.order_by("-sequence").first()
    tamper("DELETE FROM licences_archiveentry WHERE id = %s", [last.pk])
    approved_case(world)  # the chain grows past the checkpoint again
    assert ArchiveEntry.objects.count() > count and archive.check_chain().ok
    assert f"第 {count} 条的哈希与校验点记录的链头哈希不一致" in verify()


def test_rewriting_an_entry_and_every_later_hash_is_found(checkpointed):
    first = ArchiveEntry.objects.get(sequence=1)
    tamper(
        "UPDATE licences_archiveentry SET title = %s WHERE id = %s", ["伪造的受理通知书", first.pk]
    )
    rehash_from(1)
    assert archive.check_chain().ok  # the chain alone no longer shows it
    count = ArchiveEntry.objects.count()
    message = verify()
    assert f"第 {count} 条的哈希与校验点记录的链头哈希不一致（该条或之前的条目被改写）" in message


def test_entries_after_the_last_checkpoint_are_anchored_by_the_next(checkpointed, world):
    approved_case(world)
    call_command("archive_checkpoint")
    sequence = ArchiveEntry.objects.order_by("-sequence").first().sequence
    tamper("UPDATE licences_archiveentry SET title = 'x' WHERE sequence = %s", [sequence])
    rehash_from(sequence)
    message = verify()
    assert "校验点文件第 2 行" in message and "校验点文件第 1 行" not in message


def test_a_forged_checkpoint_line_is_found(checkpointed, checkpoint_dir):
    """A line claiming the current head, signed with a key that is not the platform's."""
    genuine = json.loads(lines(checkpoint_dir)[0])
    forged = {k: v for k, v in genuine.items() if k != "signature"}
    key = sm2.generate_private_key()
    forged["signature"] = sm2.sign(key, archive.canonical_json(forged).encode()).hex()
    with open(checkpoint_dir / checkpoints.FILE_NAME, "a", encoding="utf-8") as handle:
        handle.write(archive.canonical_json(forged) + "\n")
    message = verify()
    assert "校验点文件第 2 行" in message and "SM2 签名无效（校验点被伪造或改动）" in message
    assert "校验点文件第 1 行" not in message


def test_an_altered_checkpoint_line_is_found(checkpointed, checkpoint_dir):
    """Lowering the checkpointed length to cover a truncation breaks its signature."""
    path = checkpoint_dir / checkpoints.FILE_NAME
    line = json.loads(path.read_text(encoding="utf-8"))
    line["length"] -= 1
    line["head_hash"] = ArchiveEntry.objects.get(sequence=line["length"]).entry_hash
    path.write_text(archive.canonical_json(line) + "\n", encoding="utf-8")
    message = verify()
    assert "SM2 签名无效" in message
    # … and the table's copy, missing from the file now, still holds the real length
    assert "校验点文件中没有这个校验点" in message


def test_a_garbled_line_is_reported(checkpointed, checkpoint_dir):
    with open(checkpoint_dir / checkpoints.FILE_NAME, "a", encoding="utf-8") as handle:
        handle.write('{"format": "something else"}\n')
    assert "校验点文件第 2 行：无法解析" in verify()


def test_a_deleted_checkpoint_file_is_found_from_the_table(checkpointed, checkpoint_dir):
    (checkpoint_dir / checkpoints.FILE_NAME).unlink()
    assert "校验点文件中没有这个校验点" in verify()


def test_a_copy_from_the_public_page_checks_the_archive(checkpointed, client, tmp_path, capsys):
    download = client.get(reverse("audit:checkpoint-file"))
    assert download.status_code == 200
    copy = tmp_path / "my-copy.jsonl"
    copy.write_bytes(b"".join(download.streaming_content))
    assert "校验点相符：1 个" in passes(capsys, "--checkpoints", str(copy))
    root = pki.root_certificate(Algorithm.SM2)
    fingerprint = hashlib.sha256(pki.certificate_der(root)).hexdigest()
    passes(capsys, "--checkpoints", str(copy), "--trust-root", fingerprint)
    assert "不是指定的可信根证书" in verify("--checkpoints", str(copy), "--trust-root", "ab" * 32)
    last = ArchiveEntry.objects.order_by("-sequence").first()
    tamper("DELETE FROM licences_archiveentry WHERE id = %s", [last.pk])
    assert "末尾条目被删除" in verify("--checkpoints", str(copy))


# -- the licence register (--content) -------------------------------------------------------------
def test_an_edited_licence_holder_is_found_with_content(checkpointed, capsys):
    _case, licence = checkpointed
    tamper("UPDATE licences_licence SET holder_name = %s WHERE id = %s", ["冒名顶替", licence.pk])
    passes(capsys)  # neither the chain nor a checkpoint covers the register row
    message = verify("--content")
    assert licence.number in message
    assert "证照登记信息与归档时不一致：持证主体名称（登记簿被改动）" in message


def test_edited_licence_data_is_found_by_its_own_signature(checkpointed):
    _case, licence = checkpointed
    tamper(
        "UPDATE licences_licence SET data = %s WHERE id = %s",
        ['{"business_address": "伪造的经营场所"}', licence.pk],
    )
    message = verify("--content")
    assert "证照登记信息与其 SM2 签名数据不一致：照面信息.business_address" in message


def test_rewriting_the_signed_data_to_match_the_edit_is_found(checkpointed):
    """Editing the data and the signed data alike: the archive holds the signed data's digest
    (and the issuer's SM2 signature no longer fits either)."""
    _case, licence = checkpointed
    payload = json.loads(bytes(licence.signed_data))
    payload["data"] = {"business_address": "伪造的经营场所"}
    tamper(
        "UPDATE licences_licence SET data = %s, signed_data = %s WHERE id = %s",
        [
            json.dumps(payload["data"], ensure_ascii=False),
            archive.canonical_json(payload).encode(),
            licence.pk,
        ],
    )
    assert "证照的签名数据与归档时不一致（签名数据被改动）" in verify("--content")


def test_a_licence_written_around_the_issuing_is_found(checkpointed, world, licence_type):
    forged = LicenceFactory(licence_type=licence_type, issuer=world.market)
    message = verify("--content")
    assert f"证照 {forged.identifier}（{forged.holder_name}）在登记簿中，但没有归档记录" in message


# -- the public page ------------------------------------------------------------------------------
def test_the_public_page_shows_the_latest_checkpoints(checkpointed, client):
    head = ArchiveEntry.objects.order_by("-sequence").first()
    response = client.get(reverse("audit:checkpoints"))  # no login
    assert response.status_code == 200
    page = response.content.decode()
    assert "电子档案链校验点" in page
    assert head.entry_hash in page and ArchiveCheckpoint.objects.get().signature in page
    assert reverse("audit:checkpoint-file") in page
    assert reverse("signing:root-certificate", args=["sm2"]) in page


def test_the_licence_verification_page_links_the_checkpoints(db, client):
    response = client.get(reverse("licences:verify"))
    assert reverse("audit:checkpoints") in response.content.decode()


def test_the_api_check_reports_a_truncation_the_chain_walk_misses(checkpointed, client):
    supervisor = staff("supervisor-cp", "supervisor", checkpointed[0].region)
    client.force_login(supervisor)
    verify_url = reverse("licence-archive-verify")
    answer = client.get(verify_url).json()
    assert answer["ok"] is True and answer["checkpoints"]["count"] == 1
    assert answer["checkpoints"]["problems"] == [] and answer["checkpoints"]["latest"]
    last = ArchiveEntry.objects.order_by("-sequence").first()
    tamper("DELETE FROM licences_archiveentry WHERE id = %s", [last.pk])
    answer = client.get(verify_url).json()
    assert answer["first_bad"] is None  # what is left still links up
    assert answer["ok"] is False
    [problem] = answer["checkpoints"]["problems"]
    assert "末尾条目被删除" in problem
