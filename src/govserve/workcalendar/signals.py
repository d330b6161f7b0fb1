"""Signals sent by the working-day calendar."""

from django.dispatch import Signal

#: Sent after a State Council holiday notice for ``year`` has been loaded (sender: HolidayNotice,
#: kwargs: ``year``). Deadlines falling in that year should be recomputed.
holiday_notice_loaded = Signal()
