"""dealcoach: a local-first coach between a B2B meeting and a signature."""

__version__ = "0.1.0"
