"""`govserve import_regions`: the same command as `import-regions`, under an identifier name."""

from importlib import import_module

Command = import_module("govserve.regions.management.commands.import-regions").Command
