"""Upward events (see the package docstring). Sent on commit, so listeners see committed data."""

from django.dispatch import Signal

case_accepted = Signal()  # sender=Case, case=Case
case_decided = Signal()  # sender=Case, case=Case
case_withdrawn = Signal()  # sender=Case, case=Case
case_closed = Signal()  # sender=Case, case=Case
