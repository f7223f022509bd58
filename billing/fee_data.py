"""Load the shipped fee revisions (``fixtures/fees/``) into the fee tables.

Used by migration 0013 (with the migration's historical models), by ``manage.py billing_load_fees`` without a
file and by the tests' flushed databases.  Rows are matched by natural key, so loading twice changes nothing;
the format and the loader are ``billing.services.revisions``.
"""

from __future__ import annotations


def fee_data_load(*, apps=None) -> int:
    """Load every shipped revision file; returns the number of rows added or changed."""
    from billing.services.revisions import shipped_revisions_load

    return shipped_revisions_load(apps=apps)
