"""Models of the clients app (filled in by the clients issue)."""
