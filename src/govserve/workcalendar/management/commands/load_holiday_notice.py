"""`govserve load_holiday_notice`: the same command as `load-holiday-notice`,
under an identifier name."""

from importlib import import_module

Command = import_module("govserve.workcalendar.management.commands.load-holiday-notice").Command
