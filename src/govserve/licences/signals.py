"""Signals the licences app sends, *inside* the transaction that made the change (a receiver
that raises rolls the change back; the audit app archives both)."""

from django.dispatch import Signal

# A licence version was issued — by approval, change (变更) or renewal (延续); sender Licence,
# argument `licence` (signed and saved).
licence_issued = Signal()

# An existing licence's status changed — superseded, suspended, resumed, revoked or expired;
# sender LicenceEvent, argument `event` (the LicenceEvent recording it).
licence_status_changed = Signal()
