"""Running numbers (流水号): one counter, one locking style.

`take_next(scope, *parts)` increments the sequence's row with `UPDATE … SET last = last + 1`
(the row stays locked until the caller's transaction ends, so concurrent takers queue) and
reads the value back in the same transaction. The first number of a sequence inserts its row
inside a savepoint; a concurrent first taker that loses the insert retries the update. A
transaction that rolls back gives its number back: a refused action uses no serial.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from .models import Serial


def sequence_key(*parts: object) -> str:
    return ":".join(str(part) for part in parts)


def take_next(scope: str, *parts: object) -> int:
    """The next number of the sequence (scope, parts); call inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("take_next must run inside the transaction that uses the number")
    rows = Serial.objects.filter(scope=scope, key=sequence_key(*parts))
    if not rows.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                Serial.objects.create(scope=scope, key=sequence_key(*parts), last=1)
            return 1
        except IntegrityError:  # another transaction created it first: queue behind it
            rows.update(last=F("last") + 1)
    return rows.values_list("last", flat=True).get()


def last_taken(scope: str, *parts: object) -> int:
    """The last number taken in a sequence (0 when none was)."""
    found = Serial.objects.filter(scope=scope, key=sequence_key(*parts)).values_list(
        "last", flat=True
    )
    return next(iter(found), 0)
