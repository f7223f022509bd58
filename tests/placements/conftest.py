# The phone-sized browser test of placements lives in tests/browser/test_placements_phone.py: importing the
# session-scoped ``browser`` fixture here would make a second definition, and a second sync Playwright in a
# worker that already runs one fails ("Sync API inside the asyncio loop").
