"""Which CRM columns the learner may read: a column named like a field dealcoach reads, or one that
gives the outcome away, is kept on the deal but never learned from."""

from __future__ import annotations

import pytest

from dealcoach.learn.facts import usable_field


@pytest.mark.parametrize(
    ("name", "usable"),
    [
        ("Industry", True),
        ("Deal Type", True),  # HubSpot's new / existing business: no dealcoach field reads it
        ("Lead Source", True),
        ("Number of Employees", True),
        ("type", False),  # dealcoach's own field names, exactly
        ("Source", False),
        ("Deal Stage", False),  # read by the import
        ("Deal - Value", False),
        ("Amount", False),
        ("Deal owner", False),
        ("Company name", False),
        ("Close Date", False),
        ("Closed Lost Reason", False),  # written once the outcome was known
        ("Closed Won Reason", False),
        ("Is Closed Won", False),
        ('Date entered "Closed Won (Sales Pipeline)"', False),
        ("", False),
    ],
)
def test_usable_fields(name: str, usable: bool) -> None:
    assert usable_field(name) is usable
