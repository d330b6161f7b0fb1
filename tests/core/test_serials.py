"""Running numbers: one counter table, one locking style, numbers given back on rollback."""

import threading

import pytest
from django.db import connection, transaction

from govserve.core import serials
from govserve.core.models import Serial

pytestmark = pytest.mark.django_db


def test_each_sequence_counts_from_one_on_its_own():
    with transaction.atomic():
        assert [serials.take_next("case-number", "X", "2026-12-07") for _ in range(3)] == [1, 2, 3]
        assert serials.take_next("case-number", "X", "2026-12-08") == 1
        assert serials.take_next("document-number", "X", "2026-12-07") == 1
    assert serials.last_taken("case-number", "X", "2026-12-07") == 3
    assert serials.last_taken("case-number", "Y", "2026-12-07") == 0


def test_a_rolled_back_transaction_gives_its_number_back():
    with transaction.atomic():
        serials.take_next("licence-serial", 1, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert serials.take_next("licence-serial", 1, 2) == 2
        raise RuntimeError("refused after the number was taken")
    with transaction.atomic():
        assert serials.take_next("licence-serial", 1, 2) == 2
    assert Serial.objects.get(scope="licence-serial").last == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_taking_a_number_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        serials.take_next("case-number", "X", "2026-12-07")
    assert not Serial.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has a single writer; the race is PG's"
)
def test_concurrent_first_takers_get_distinct_numbers():
    """Eight transactions start a new sequence at once: the insert race and the row lock."""
    barrier = threading.Barrier(8)
    taken, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                taken.append(serials.take_next("case-number", "RACE", "2026-12-07"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(taken) == list(range(1, 9))
