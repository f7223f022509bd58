"""Models of the placements app (filled in by the placements issue)."""
