"""Everything the claims of one office-month are computed from, read in ONE round trip.

The month's claims need a dozen small reads: the fee book, the attendance of the month and the daily user
counts of the two months before it (over-capacity), the month's follow-up contacts, the people concerned
with their certificates (就労移行支援 and 就労定着支援 apart: each service is billed on its own
certificates only) and agreed support plans, the hires that make the retention tier and the users of
就労定着支援 that make its rate.  Each is an ordinary query below; they are sent together as one statement
returning one JSON document (``compostela.json_rows``), which keeps computing a month near the cost of the
data itself (the benchmark compares it with a single hand-written query).  No rule is decided here: the
retention rules, the fee look-ups and every billing rule stay in their one Python function each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from attendance.models import BILLABLE_ATTENDANCE
from billing.services.fees import FEE_BOOK_JSON, FeeBook, fee_book_from_json
from billing.services.tier import retention_support_window, retention_tier_window
from clients.models import Certificate, CertificateService, Client
from compostela.json_rows import instances, iso_date, json_document
from compostela.models import Office
from placements.models import FollowUpKind
from placements.retention import RETENTION_SUPPORT_USERS_SQL, retention_support_users_params
from placements.rules import fiscal_year_of

MONTH_CONTACT_KINDS = [FollowUpKind.FACE_TO_FACE.value, FollowUpKind.SUPPORT_REPORT.value]

# month_clients: everyone with attendance or a face-to-face contact / support report this month, as one array
# (``= ANY(array)`` lets the planner use the primary key / client indexes instead of scanning every client).
MONTH_INPUTS_SQL = f"""
WITH month_contacts AS (
    SELECT f.id, f.day, f.kind, h.client_id, h.start_date, h.ended_on
    FROM placements_followupcontact f
    JOIN placements_hire h ON h.id = f.hire_id AND h.office_id = %(office)s
    WHERE f.office_id = %(office)s AND f.day BETWEEN %(first)s AND %(last)s AND f.kind = ANY(%(contact_kinds)s)
), month_clients AS (
    SELECT array_agg(DISTINCT client_id) AS ids FROM (
        SELECT a.client_id FROM clients_attendance a
        WHERE a.office_id = %(office)s AND a.day BETWEEN %(first)s AND %(last)s
        UNION ALL
        SELECT client_id FROM month_contacts) m
)
SELECT json_build_object(
    'book', {FEE_BOOK_JSON},
    'daily_users', (
        SELECT coalesce(json_agg(json_build_array(d.day, d.n)), '[]') FROM (
            SELECT a.day, count(*) AS n FROM clients_attendance a
            WHERE a.office_id = %(office)s AND a.day BETWEEN %(window_first)s AND %(before_first)s
              AND a.status = ANY(%(billable)s)
            GROUP BY a.day) d),
    'rows', (
        SELECT coalesce(json_agg(json_build_array(a.client_id, a.day, a.status, a.transport_to, a.transport_from,
                                                  a.meal) ORDER BY a.day, a.client_id), '[]')
        FROM clients_attendance a
        WHERE a.office_id = %(office)s AND a.day BETWEEN %(first)s AND %(last)s),
    'contacts', (
        SELECT coalesce(json_agg(json_build_array(c.day, c.kind, c.client_id, c.start_date, c.ended_on)
                                 ORDER BY c.day, c.id), '[]')
        FROM month_contacts c),
    'clients', (
        SELECT coalesce(json_agg(c), '[]') FROM clients_client c
        WHERE c.id = ANY((SELECT ids FROM month_clients)::bigint[])),
    'certificates', (
        SELECT coalesce(json_agg(c ORDER BY c.period_start, c.id), '[]') FROM clients_certificate c
        WHERE c.client_id = ANY((SELECT ids FROM month_clients)::bigint[]) AND c.service = %(transition)s
          AND c.period_start <= %(last)s AND c.period_end >= %(window_first)s),
    'support_certificates', (
        SELECT coalesce(json_agg(c ORDER BY c.period_start, c.id), '[]') FROM clients_certificate c
        WHERE c.client_id = ANY((SELECT ids FROM month_clients)::bigint[]) AND c.service = %(retention_support)s
          AND c.period_start <= %(last)s AND c.period_end >= %(first)s),
    'plans', (
        SELECT coalesce(json_agg(json_build_array(p.client_id, p.period_start, p.period_end, p.agreed_on)
                                 ORDER BY p.id), '[]')
        FROM clients_supportplan p
        WHERE p.client_id = ANY((SELECT ids FROM month_clients)::bigint[]) AND p.agreed_on IS NOT NULL
          AND p.period_start <= %(last)s AND p.period_end >= %(window_first)s),
    'tier_hires', (
        SELECT coalesce(json_agg(json_build_array(h.start_date, h.ended_on, h.fixed_term_end)), '[]')
        FROM placements_hire h
        WHERE h.office_id = %(office)s AND h.start_date BETWEEN %(hires_first)s AND %(hires_last)s),
    'support_users', (
        SELECT coalesce(json_agg(json_build_array(u.client_id, u.employed)), '[]')
        FROM ({RETENTION_SUPPORT_USERS_SQL}) u)
)::text
"""  # noqa: S608 - only constants of this project are formatted in; every value is a parameter


@dataclass(frozen=True)
class MonthContact:
    """A face-to-face contact or support report of the month, with what the claim needs of its job."""

    day: date
    kind: str
    client_id: int
    hire_start: date
    hire_ended_on: date | None


@dataclass(frozen=True)
class AgreedPlan:
    """An agreed support plan's period (all the plan-missing reduction looks at)."""

    client_id: int
    period_start: date
    period_end: date
    agreed_on: date


@dataclass
class MonthInputs:
    book: FeeBook
    daily_users_before: dict[date, int]  # billable users a day in the two months before the month
    rows: list[dict]  # the month's attendance, by day
    contacts: list[MonthContact]
    clients: dict[int, Client]
    certificates: dict[int, list[Certificate]]  # 就労移行支援 certificates, by client, by period start
    support_certificates: dict[int, list[Certificate]]  # 就労定着支援 certificates overlapping the month, ditto
    plans: dict[int, list[AgreedPlan]]
    tier_hires: list[tuple[date, date | None, date | None]]  # (start, ended_on, fixed_term_end) of the tier window
    support_users: list[tuple[int, bool]]  # (client id, employed at the end of the previous fiscal year)


def month_inputs_read(*, office: Office, month: date) -> MonthInputs:
    """Everything ``billing_month_compute`` needs for ``office`` and ``month`` (any day of it) — one query."""
    first = month.replace(day=1)
    last = first + relativedelta(months=1) - timedelta(days=1)
    fiscal_year = fiscal_year_of(first)
    _window, hires_first, hires_last, _as_of = retention_tier_window(fiscal_year)
    support_from, support_as_of = retention_support_window(fiscal_year)
    params = {
        "office": office.pk, "first": first, "last": last, "window_first": first - relativedelta(months=2),
        "before_first": first - timedelta(days=1), "billable": [str(s) for s in BILLABLE_ATTENDANCE],
        "transition": CertificateService.TRANSITION.value,
        "retention_support": CertificateService.RETENTION_SUPPORT.value,
        "contact_kinds": MONTH_CONTACT_KINDS, "hires_first": hires_first, "hires_last": hires_last,
        **retention_support_users_params(office=office, first=support_from, as_of=support_as_of),
    }
    doc = json_document(MONTH_INPUTS_SQL, params)
    certificates: dict[int, list[Certificate]] = {}
    for cert in instances(Certificate, doc["certificates"]):
        certificates.setdefault(cert.client_id, []).append(cert)
    support_certificates: dict[int, list[Certificate]] = {}
    for cert in instances(Certificate, doc["support_certificates"]):
        support_certificates.setdefault(cert.client_id, []).append(cert)
    plans: dict[int, list[AgreedPlan]] = {}
    for client_id, start, end, agreed in doc["plans"]:
        plans.setdefault(client_id, []).append(AgreedPlan(client_id, iso_date(start), iso_date(end), iso_date(agreed)))
    return MonthInputs(
        book=fee_book_from_json(office=office, tables=doc["book"]),
        daily_users_before={iso_date(day): n for day, n in doc["daily_users"]},
        rows=[{"client_id": c, "day": iso_date(d), "status": s, "transport_to": t, "transport_from": f, "meal": m}
              for c, d, s, t, f, m in doc["rows"]],
        contacts=[MonthContact(iso_date(d), kind, client_id, iso_date(start), iso_date(ended))
                  for d, kind, client_id, start, ended in doc["contacts"]],
        clients={c.pk: c for c in instances(Client, doc["clients"])},
        certificates=certificates,
        support_certificates=support_certificates,
        plans=plans,
        tier_hires=[(iso_date(s), iso_date(e), iso_date(t)) for s, e, t in doc["tier_hires"]],
        support_users=[(client_id, employed) for client_id, employed in doc["support_users"]],
    )
