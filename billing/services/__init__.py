"""Billing rules, one function each: rounding, fee look-ups, the retention tier, monthly claims, month
closing and the uncompensated follow-up cost."""
