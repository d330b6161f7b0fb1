"""`govserve verify_archive`: says the chain is whole, or names the first entry that is not."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from govserve.audit.models import ArchiveEntry
from govserve.cases import services as case_services
from tests.cases.worlds import pdf


def archived_case(world):
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    case = case_services.accept(case, world.clerk)
    return case_services.decide(case, world.market_approver, outcome="approved")


def test_a_whole_chain_is_reported_with_its_length(world, capsys):
    archived_case(world)
    count = ArchiveEntry.objects.count()
    assert count >= 2
    call_command("verify_archive")
    assert f"档案链完整：{count} 条" in capsys.readouterr().out


def test_an_empty_archive_is_whole(db, capsys):
    call_command("verify_archive")
    assert "档案链完整：0 条" in capsys.readouterr().out


def test_the_first_bad_entry_is_named_and_the_exit_status_is_1(world):
    archived_case(world)
    second = ArchiveEntry.objects.get(sequence=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE licences_archiveentry SET metadata = %s WHERE id = %s",
            ['{"number": "伪造"}', second.pk],
        )
    with pytest.raises(CommandError) as failed:
        call_command("verify_archive")
    assert failed.value.returncode == 1
    message = str(failed.value)
    assert "第 2 条" in message and second.title in message and "本条哈希与内容不一致" in message


def test_content_checking_finds_a_changed_file(world):
    case = archived_case(world)
    document = case.documents.order_by("pk").first()
    with open(document.file.path, "r+b") as handle:
        handle.seek(20)
        handle.write(b"X")
    call_command("verify_archive")  # the chain itself is whole
    with pytest.raises(CommandError) as failed:
        call_command("verify_archive", "--content")
    assert failed.value.returncode == 1 and document.number in str(failed.value)
