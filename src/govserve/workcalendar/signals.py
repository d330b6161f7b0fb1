"""Signals sent by the working-day calendar (see the package docstring)."""

from django.dispatch import Signal

#: Sent by `services.load_notice` after the State Council notice for a year has been loaded
#: (sender: `HolidayNotice`; keyword arguments: `year` (int) and `notice`). It is sent inside
#: the loading transaction, after the year's days are written and the in-process calendar
#: cache is cleared, so a receiver already computes with the new days; a receiver with heavy
#: work (recomputing stored deadlines of a whole year) should hand it to a job, e.g. from
#: `transaction.on_commit`. An exception in a receiver rolls the whole load back.
holiday_notice_loaded = Signal()
