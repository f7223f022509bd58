"""Models of the billing app (filled in by the billing issue)."""
