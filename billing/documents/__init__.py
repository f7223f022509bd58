"""Billing documents: the month's PDFs (claim summary, statements, サービス提供実績記録票), the follow-up
cost report, XLSX/CSV exports for the accountant, the SVG charts, and the background job that makes
them.  Figures come from ``billing.selectors`` / ``billing.services``; nothing here recomputes a rule."""
