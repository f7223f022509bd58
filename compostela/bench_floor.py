"""The raw-SQL floor of ``billing_month_compute``: ONE hand-written query that computes every claim line of
one or more offices' month — the same figures as the Python code, from the tables themselves.

The parameters are only the office ids, date arithmetic on the month and the rule constants of
``billing.services`` (percentages, month counts); every figure that lives in the database (fee schedules,
tiers, add-on units, unit prices, office settings, capacity history, overrides, hires, follow-ups,
certificates, plans, attendance) is read by the query.

What the query cannot reproduce: the Python code raises ``BillingConfigurationError`` when a fee figure it
needs is missing (no schedule in force, no tier row for the band, no unit price, no add-on rate); the query
then returns NULL units / yen on the lines concerned instead of failing.
"""

from __future__ import annotations

from datetime import date, timedelta

# One row per claim line: (service, client_id, billable_days, total_units, total_yen, copayment, office_id),
# ordered like the Python code: by office, 就労移行支援 first (by kana name, then id), then 就労定着支援 (by id).
#
# office          the offices asked for, with what is in force on the 1st of the month: fee settings (defaults
#                 when none), yen per unit of both services (the office's override, else the area price of its
#                 grade), the tier band (capacity on the fiscal year's 1 April, history else Office.capacity),
#                 the capacities on 1 April of the two window years and the new-office flag.
# addon           add-on rates in force on the 1st (the latest valid_from per kind).
# office_addon    per office: units a billable day of its office add-ons, units a one-way trip (transport
#                 level), units a meal (when the meals add-on is on), absence-support units and monthly maximum.
# retained        per office: hires started in the two window fiscal years still in the job on their six-month
#                 day (start + 6 calendar months), as known at the end of the previous fiscal year.
# rate            the effective 就労移行支援 rate as an exact fraction num / den: the latest override (by
#                 created_at, id) when it has a rate, else 0.3 for a new office, else retained / capacities.
#                 A tier holds it when num ≥ min_rate × den (> when not min_inclusive): no rounded division.
# schedule        就労移行支援 fee schedules, each in force from its valid_from until the next one's.
# tier            per office and schedule in force during the month: the daily units of the highest tier
#                 that holds the rate (band = capacity), or of the lowest tier when none holds (rows of
#                 overlapping bands that tie: the lower id first, as in the fee book's list).  A day's units
#                 come from the schedule in force that day, which is what the Python tier periods give.
# daily           billable users per day of the office over the month and the two before it (the rolling
#                 window), with the capacity in force that day.
# rolling         per office: is the window over capacity × open days × 125 % (capacity + 3 below 12)?
# reduced_day     days of the month with the over-capacity reduction (over 150 % that day, or rolling over).
# att             the month's attendance rows, each with "a certificate covers the day" and "billable".
#                 Here and in client_month only 就労移行支援 certificates count (service = 'transition').
# client_month    per client with attendance: the certificate of the month (the one covering the last
#                 in-certificate billable day, else the latest overlapping the month), its granted days (else
#                 days in the month − 8), and how many months in a row (≤ 3) the client was in service
#                 without an agreed support plan.
# counted         the first "granted days" billable in-certificate days of each client, with their units a day:
#                 tier units, × 70 % on a reduced day, × 70 % / 50 % for a missing plan, each step half up.
# transition      one 就労移行支援 line per client: basic units, absence support (capped), transport trips,
#                 meals (welfare / low income), office add-ons per billable day; units → yen floored once.
# support_month   per office running 就労定着支援 and client: a face-to-face contact / a support report this
#                 month in months 7–42 of a job (of the office) not ended before the contact.
# support_user    the month's claimable users: face-to-face (and the report from April 2021) with a
#                 就労定着支援 certificate (service = 'retention_support') overlapping the month (the latest).
# support_past    people with a face-to-face contact in months 7–42 of a job (of the office) in the three
#                 previous fiscal years (for the 就労定着支援 rate).
# support_rate    the 就労定着支援 rate as num / den (latest override with a rate, else past users in a job —
#                 any office's — at the end of the previous fiscal year / past users) and the month's number
#                 of users (the band).
# support         one 就労定着支援 line per user: the month's fee of the tier for the rate and band (schedule
#                 in force on the 1st).
# line / (final)  both services, yen = floor(units × yen per unit), co-payment = min(floor(10 %), the
#                 certificate's cap; 0 without one), sorted by kana in code-point order (COLLATE "C"), as
#                 Python sorts strings.
#
# Every CTE is MATERIALIZED: each is planned and computed once.  Inlined, the planner under-estimates the
# clients of a month and re-runs the per-client work for each of them (5× slower on one office), and it
# spends more time planning the one big join.
BILLING_FLOOR_SQL = """
WITH office AS MATERIALIZED (
    SELECT o.id AS office_id, o.capacity,
           coalesce(s.qualified_staff, '') AS qualified_staff,
           coalesce(s.trained_staff, false) AS trained_staff,
           coalesce(s.transition_prep, '') AS transition_prep,
           coalesce(s.transport, '') AS transport,
           coalesce(s.meals, false) AS meals,
           coalesce(s.runs_retention_support, false) AS runs_retention_support,
           coalesce(s.yen_per_unit, (
               SELECT p.yen_per_unit FROM billing_areaunitprice p
               WHERE p.area_grade = o.area_grade AND p.service = 'transition' AND p.valid_from <= %(first)s
               ORDER BY p.valid_from DESC LIMIT 1)) AS yen_transition,
           coalesce(s.yen_per_unit, (
               SELECT p.yen_per_unit FROM billing_areaunitprice p
               WHERE p.area_grade = o.area_grade AND p.service = 'retention_support' AND p.valid_from <= %(first)s
               ORDER BY p.valid_from DESC LIMIT 1)) AS yen_support,
           coalesce((SELECT c.capacity FROM billing_officecapacity c
                     WHERE c.office_id = o.id AND c.valid_from <= %(fy_start)s
                     ORDER BY c.valid_from DESC LIMIT 1), o.capacity) AS band,
           coalesce((SELECT c.capacity FROM billing_officecapacity c
                     WHERE c.office_id = o.id AND c.valid_from <= %(capacity_day_1)s
                     ORDER BY c.valid_from DESC LIMIT 1), o.capacity)
           + coalesce((SELECT c.capacity FROM billing_officecapacity c
                       WHERE c.office_id = o.id AND c.valid_from <= %(capacity_day_2)s
                       ORDER BY c.valid_from DESC LIMIT 1), o.capacity) AS window_capacity,
           %(fiscal_year)s - (extract(year FROM o.opened_on)::int
                              - CASE WHEN extract(month FROM o.opened_on) < 4 THEN 1 ELSE 0 END)
               < %(new_office_years)s AS new_office
    FROM compostela_office o
    LEFT JOIN LATERAL (
        SELECT * FROM billing_officefeesettings s
        WHERE s.office_id = o.id AND s.valid_from <= %(first)s
        ORDER BY s.valid_from DESC LIMIT 1) s ON true
    WHERE o.id = ANY(%(offices)s)
), addon AS MATERIALIZED (
    SELECT DISTINCT ON (r.kind) r.kind, r.units, r.monthly_max
    FROM billing_addonrate r
    WHERE r.valid_from <= %(first)s
    ORDER BY r.kind, r.valid_from DESC
), office_addon AS MATERIALIZED (
    SELECT o.office_id,
           CASE WHEN o.qualified_staff = '' THEN 0
                ELSE (SELECT units FROM addon WHERE kind = 'qualified_staff_' || o.qualified_staff) END
           + CASE WHEN o.trained_staff THEN (SELECT units FROM addon WHERE kind = 'trained_staff') ELSE 0 END
           + CASE WHEN o.transition_prep = '' THEN 0
                  ELSE (SELECT units FROM addon WHERE kind = 'transition_prep_' || o.transition_prep) END
               AS daily_units,
           CASE WHEN o.transport = '' THEN 0
                ELSE (SELECT units FROM addon WHERE kind = 'transport_' || o.transport) END AS trip_units,
           (SELECT units FROM addon WHERE kind = 'meals') AS meal_units,
           (SELECT units FROM addon WHERE kind = 'absence_support') AS absence_units,
           (SELECT monthly_max FROM addon WHERE kind = 'absence_support') AS absence_max
    FROM office o
), retained AS MATERIALIZED (
    SELECT h.office_id, count(*) AS n
    FROM placements_hire h
    CROSS JOIN LATERAL (SELECT (h.start_date + make_interval(months => %(six_months)s))::date AS six) s
    WHERE h.office_id = ANY(%(offices)s) AND h.start_date BETWEEN %(hires_from)s AND %(hires_to)s
      AND s.six <= %(as_of)s
      AND (h.fixed_term_end IS NULL OR h.fixed_term_end >= s.six)
      AND (h.ended_on IS NULL OR h.ended_on >= s.six)
    GROUP BY h.office_id
), rate AS MATERIALIZED (
    SELECT o.office_id, o.band,
           CASE WHEN ov.rate IS NOT NULL THEN ov.rate
                WHEN o.new_office THEN %(new_office_rate)s
                WHEN o.window_capacity = 0 THEN 0
                ELSE coalesce(r.n, 0) END AS num,
           CASE WHEN ov.rate IS NOT NULL OR o.new_office OR o.window_capacity = 0 THEN 1
                ELSE o.window_capacity END AS den
    FROM office o
    LEFT JOIN retained r ON r.office_id = o.office_id
    LEFT JOIN LATERAL (
        SELECT t.rate FROM billing_retentiontieroverride t
        WHERE t.office_id = o.office_id AND t.service = 'transition' AND t.fiscal_year = %(fiscal_year)s
        ORDER BY t.created_at DESC, t.id DESC LIMIT 1) ov ON true
), schedule AS MATERIALIZED (
    SELECT s.id, s.valid_from, lead(s.valid_from) OVER (ORDER BY s.valid_from) AS until
    FROM billing_feeschedule s
    WHERE s.service = 'transition'
), tier AS MATERIALIZED (
    SELECT r.office_id, s.valid_from, s.until, f.units
    FROM rate r
    CROSS JOIN schedule s
    LEFT JOIN LATERAL (
        SELECT f.units
        FROM billing_basicfee f
        CROSS JOIN LATERAL (SELECT CASE WHEN f.min_inclusive THEN r.num >= f.min_rate * r.den
                                        ELSE r.num > f.min_rate * r.den END AS holds) h
        WHERE f.schedule_id = s.id AND f.band_min <= r.band AND (f.band_max IS NULL OR r.band <= f.band_max)
        ORDER BY h.holds DESC,  -- the highest tier that holds the rate …
                 CASE WHEN h.holds THEN f.min_rate END DESC, CASE WHEN h.holds THEN f.min_inclusive END,
                 CASE WHEN h.holds THEN f.id END,
                 f.min_rate, f.min_inclusive DESC, f.id DESC  -- … else the lowest tier
        LIMIT 1) f ON true
    WHERE s.valid_from <= %(last)s AND (s.until IS NULL OR s.until > %(first)s)
), daily AS MATERIALIZED (
    SELECT d.office_id, d.day, d.users,
           coalesce((SELECT c.capacity FROM billing_officecapacity c
                     WHERE c.office_id = d.office_id AND c.valid_from <= d.day
                     ORDER BY c.valid_from DESC LIMIT 1), o.capacity) AS capacity
    FROM (SELECT a.office_id, a.day, count(*) AS users
          FROM clients_attendance a
          WHERE a.office_id = ANY(%(offices)s) AND a.day BETWEEN %(window_first)s AND %(last)s
            AND a.status IN ('attended', 'offsite')
          GROUP BY a.office_id, a.day) d
    JOIN office o ON o.office_id = d.office_id
), rolling AS MATERIALIZED (
    SELECT office_id,
           sum(users) * 100 > sum(CASE WHEN capacity >= 12 THEN capacity * 125 ELSE (capacity + 3) * 100 END)
               AS over
    FROM daily
    GROUP BY office_id
), reduced_day AS MATERIALIZED (
    SELECT d.office_id, d.day
    FROM daily d
    JOIN rolling r ON r.office_id = d.office_id
    WHERE d.day >= %(first)s
      AND (r.over OR CASE WHEN d.capacity <= 50 THEN d.users * 2 > d.capacity * 3
                          ELSE d.users * 4 > (d.capacity - 50) * 5 + 300 END)
), att AS MATERIALIZED (
    SELECT a.office_id, a.client_id, a.day, a.status, a.transport_to, a.transport_from, a.meal,
           a.status IN ('attended', 'offsite') AS billable, c.id IS NOT NULL AS in_cert
    FROM clients_attendance a
    LEFT JOIN clients_certificate c  -- at most one: a client's certificates of one service never overlap
           ON c.client_id = a.client_id AND c.service = 'transition'
          AND a.day BETWEEN c.period_start AND c.period_end
          AND c.period_start <= %(last)s AND c.period_end >= %(first)s
    WHERE a.office_id = ANY(%(offices)s) AND a.day BETWEEN %(first)s AND %(last)s
), client_month AS MATERIALIZED (
    SELECT x.office_id, x.client_id, x.supported,
           coalesce(nullif(cert.granted_days, 0), %(standard_days)s) AS granted,
           coalesce(cert.copay_cap, 0) AS copay_cap,
           coalesce(cert.income_category IN ('welfare', 'low_income'), false) AS meal_eligible,
           CASE WHEN NOT cs.m0 OR ps.m0 THEN 0
                WHEN NOT cs.m1 OR ps.m1 THEN 1
                WHEN NOT cs.m2 OR ps.m2 THEN 2
                ELSE 3 END AS plan_missing
    FROM (SELECT office_id, client_id,
                 max(day) FILTER (WHERE billable AND in_cert) AS anchor,
                 count(*) FILTER (WHERE status = 'absent_supported' AND in_cert) AS supported
          FROM att
          GROUP BY office_id, client_id) x
    LEFT JOIN LATERAL (
        SELECT c.granted_days, c.copay_cap, c.income_category
        FROM clients_certificate c
        WHERE c.client_id = x.client_id AND c.service = 'transition'
          AND c.period_start <= %(last)s AND c.period_end >= %(first)s
        ORDER BY coalesce(x.anchor, %(last)s) BETWEEN c.period_start AND c.period_end DESC, c.period_start DESC
        LIMIT 1) cert ON true
    CROSS JOIN LATERAL (  -- in service: a certificate overlaps the month (this one, the one before, two before)
        SELECT coalesce(bool_or(c.period_start <= %(last)s AND c.period_end >= %(first)s), false) AS m0,
               coalesce(bool_or(c.period_start <= %(prev_last)s AND c.period_end >= %(prev_first)s), false) AS m1,
               coalesce(bool_or(c.period_start <= %(window_last)s AND c.period_end >= %(window_first)s), false)
                   AS m2
        FROM clients_certificate c
        WHERE c.client_id = x.client_id AND c.service = 'transition'
          AND c.period_start <= %(last)s AND c.period_end >= %(window_first)s) cs
    CROSS JOIN LATERAL (  -- covered: a plan agreed by the month's end overlaps the month
        SELECT coalesce(bool_or(p.agreed_on <= %(last)s
                                AND p.period_start <= %(last)s AND p.period_end >= %(first)s), false) AS m0,
               coalesce(bool_or(p.agreed_on <= %(prev_last)s
                                AND p.period_start <= %(prev_last)s AND p.period_end >= %(prev_first)s), false) AS m1,
               coalesce(bool_or(p.agreed_on <= %(window_last)s
                                AND p.period_start <= %(window_last)s AND p.period_end >= %(window_first)s), false)
                   AS m2
        FROM clients_supportplan p
        WHERE p.client_id = x.client_id AND p.agreed_on IS NOT NULL
          AND p.period_start <= %(last)s AND p.period_end >= %(window_first)s) ps
), counted AS MATERIALIZED (
    SELECT d.office_id, d.client_id, d.transport_to::int + d.transport_from::int AS trips, d.meal,
           CASE WHEN cm.plan_missing = 0 THEN u.units
                ELSE (u.units * CASE WHEN cm.plan_missing <= %(plan_missing_early_months)s
                                     THEN %(plan_missing_early_percent)s ELSE %(plan_missing_later_percent)s END
                      + 50) / 100 END AS units
    FROM (SELECT a.*, row_number() OVER (PARTITION BY a.office_id, a.client_id ORDER BY a.day) AS n
          FROM att a WHERE a.billable AND a.in_cert) d
    JOIN client_month cm ON cm.office_id = d.office_id AND cm.client_id = d.client_id
    LEFT JOIN tier t ON t.office_id = d.office_id AND d.day >= t.valid_from AND (t.until IS NULL OR d.day < t.until)
    LEFT JOIN reduced_day rd ON rd.office_id = d.office_id AND rd.day = d.day
    CROSS JOIN LATERAL (
        SELECT CASE WHEN rd.day IS NULL THEN t.units
                    ELSE (t.units * %(over_capacity_percent)s + 50) / 100 END AS units) u
    WHERE d.n <= cm.granted
), transition AS MATERIALIZED (
    SELECT cm.office_id, cm.client_id, cm.copay_cap, coalesce(c.days, 0) AS billable_days,
           CASE WHEN c.days IS NULL THEN 0 ELSE c.basic END
           + CASE WHEN cm.supported > 0
                  THEN least(cm.supported, coalesce(oa.absence_max, cm.supported)) * oa.absence_units
                  ELSE 0 END
           + CASE WHEN c.trips > 0 THEN c.trips * oa.trip_units ELSE 0 END
           + CASE WHEN o.meals AND c.meals > 0 AND cm.meal_eligible THEN c.meals * oa.meal_units ELSE 0 END
           + CASE WHEN c.days > 0 THEN c.days * oa.daily_units ELSE 0 END AS total_units,
           o.yen_transition AS yen_per_unit
    FROM client_month cm
    JOIN office o ON o.office_id = cm.office_id
    JOIN office_addon oa ON oa.office_id = cm.office_id
    LEFT JOIN (SELECT office_id, client_id, count(*) AS days,
                      CASE WHEN count(units) = count(*) THEN sum(units) END AS basic,  -- NULL: a day without a tier
                      sum(trips) AS trips,
                      count(*) FILTER (WHERE meal) AS meals
               FROM counted
               GROUP BY office_id, client_id) c ON c.office_id = cm.office_id AND c.client_id = cm.client_id
), support_month AS MATERIALIZED (
    SELECT c.office_id, h.client_id,
           bool_or(c.kind = 'face_to_face') AS faced, bool_or(c.kind = 'support_report') AS reported
    FROM placements_followupcontact c
    JOIN office o ON o.office_id = c.office_id AND o.runs_retention_support
    JOIN placements_hire h ON h.id = c.hire_id AND h.office_id = c.office_id
    WHERE c.day BETWEEN %(first)s AND %(last)s AND c.kind IN ('face_to_face', 'support_report')
      AND c.day >= (h.start_date + make_interval(months => %(six_months)s))::date
      AND c.day < (h.start_date + make_interval(months => %(support_last_month)s))::date
      AND (h.ended_on IS NULL OR h.ended_on >= c.day)
    GROUP BY c.office_id, h.client_id
), support_user AS MATERIALIZED (
    SELECT s.office_id, s.client_id, cert.copay_cap
    FROM support_month s
    CROSS JOIN LATERAL (
        SELECT c.copay_cap FROM clients_certificate c
        WHERE c.client_id = s.client_id AND c.service = 'retention_support'
          AND c.period_start <= %(last)s AND c.period_end >= %(first)s
        ORDER BY c.period_start DESC LIMIT 1) cert
    WHERE s.faced AND (s.reported OR NOT %(support_report_required)s)
), support_past AS MATERIALIZED (
    SELECT DISTINCT c.office_id, h.client_id
    FROM placements_followupcontact c
    JOIN placements_hire h ON h.id = c.hire_id AND h.office_id = c.office_id
    WHERE c.office_id IN (SELECT office_id FROM support_user)
      AND c.day BETWEEN %(support_from)s AND %(as_of)s AND c.kind = 'face_to_face'
      AND c.day >= (h.start_date + make_interval(months => %(six_months)s))::date
      AND c.day < (h.start_date + make_interval(months => %(support_last_month)s))::date
), support_rate AS MATERIALIZED (
    SELECT u.office_id, u.users AS band,
           CASE WHEN ov.rate IS NOT NULL THEN ov.rate ELSE coalesce(p.employed, 0) END AS num,
           CASE WHEN ov.rate IS NOT NULL OR coalesce(p.users, 0) = 0 THEN 1 ELSE p.users END AS den
    FROM (SELECT office_id, count(*) AS users FROM support_user GROUP BY office_id) u
    LEFT JOIN (
        SELECT sp.office_id, count(*) AS users,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM placements_hire e
                   WHERE e.client_id = sp.client_id AND e.start_date <= %(as_of)s
                     AND (e.ended_on IS NULL OR e.ended_on >= %(as_of)s))) AS employed
        FROM support_past sp
        GROUP BY sp.office_id) p ON p.office_id = u.office_id
    LEFT JOIN LATERAL (
        SELECT t.rate FROM billing_retentiontieroverride t
        WHERE t.office_id = u.office_id AND t.service = 'retention_support' AND t.fiscal_year = %(fiscal_year)s
        ORDER BY t.created_at DESC, t.id DESC LIMIT 1) ov ON true
), support AS MATERIALIZED (
    SELECT su.office_id, su.client_id, su.copay_cap, f.units AS total_units, o.yen_support AS yen_per_unit
    FROM support_user su
    JOIN support_rate r ON r.office_id = su.office_id
    JOIN office o ON o.office_id = su.office_id
    LEFT JOIN LATERAL (
        SELECT f.units
        FROM billing_basicfee f
        CROSS JOIN LATERAL (SELECT CASE WHEN f.min_inclusive THEN r.num >= f.min_rate * r.den
                                        ELSE r.num > f.min_rate * r.den END AS holds) h
        WHERE f.schedule_id = (SELECT s.id FROM billing_feeschedule s
                               WHERE s.service = 'retention_support' AND s.valid_from <= %(first)s
                               ORDER BY s.valid_from DESC LIMIT 1)
          AND f.band_min <= r.band AND (f.band_max IS NULL OR r.band <= f.band_max)
        ORDER BY h.holds DESC,
                 CASE WHEN h.holds THEN f.min_rate END DESC, CASE WHEN h.holds THEN f.min_inclusive END,
                 CASE WHEN h.holds THEN f.id END,
                 f.min_rate, f.min_inclusive DESC, f.id DESC
        LIMIT 1) f ON true
), line AS MATERIALIZED (
    SELECT 'transition' AS service, 0 AS service_order, office_id, client_id, billable_days, total_units,
           floor(total_units * yen_per_unit)::bigint AS total_yen, copay_cap
    FROM transition
    UNION ALL
    SELECT 'retention_support', 1, office_id, client_id, 0, total_units,
           floor(total_units * yen_per_unit)::bigint, copay_cap
    FROM support
)
SELECT l.service, l.client_id, l.billable_days, l.total_units, l.total_yen,
       least(l.total_yen * %(copay_percent)s / 100, l.copay_cap) AS copayment, l.office_id
FROM line l
JOIN clients_client k ON k.id = l.client_id
ORDER BY l.office_id, l.service_order,
         CASE WHEN l.service_order = 0 THEN k.family_name_kana END COLLATE "C",
         CASE WHEN l.service_order = 0 THEN k.given_name_kana END COLLATE "C",
         l.client_id
"""


def _month_first(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def billing_floor_params(*, office_ids: list[int], month: date) -> dict:
    """Parameters of ``BILLING_FLOOR_SQL`` for ``month`` (any day of it): office ids, dates and the rule
    constants — nothing read from the database."""
    from billing.services import claims, tier
    from placements import rules

    first = _month_first(month)
    last = _month_first(month, -1) - timedelta(days=1)
    prev_first = _month_first(month, 1)
    window_first = _month_first(month, 2)
    fiscal_year = first.year if first.month >= 4 else first.year - 1
    fy_start = date(fiscal_year, 4, 1)
    return {
        "offices": list(office_ids),
        "first": first, "last": last,
        "prev_first": prev_first, "prev_last": first - timedelta(days=1),
        "window_first": window_first, "window_last": prev_first - timedelta(days=1),
        "standard_days": last.day - claims.GRANTED_DAYS_OFFSET,
        "fiscal_year": fiscal_year, "fy_start": fy_start,
        # 就労移行支援 tier: hires of the two previous fiscal years, judged at the end of the previous one,
        # over the capacity on 1 April of each
        "hires_from": date(fiscal_year - 2, 4, 1), "hires_to": fy_start - timedelta(days=1),
        "as_of": fy_start - timedelta(days=1),
        "capacity_day_1": date(fiscal_year - 2, 4, 1), "capacity_day_2": date(fiscal_year - 1, 4, 1),
        "new_office_years": tier.NEW_OFFICE_FISCAL_YEARS, "new_office_rate": tier.NEW_OFFICE_RATE,
        # 就労定着支援: months 7–42 of a job; users of the three previous fiscal years
        "six_months": rules.RETENTION_SUPPORT_FIRST_MONTH - 1,
        "support_last_month": rules.RETENTION_SUPPORT_LAST_MONTH,
        "support_from": date(fiscal_year - tier.RETENTION_SUPPORT_LOOKBACK_YEARS, 4, 1),
        "support_report_required": first >= claims.SUPPORT_REPORT_REQUIRED_FROM,
        # reductions and co-payment
        "over_capacity_percent": claims.OVER_CAPACITY_PERCENT,
        "plan_missing_early_months": claims.PLAN_MISSING_EARLY_MONTHS,
        "plan_missing_early_percent": claims.PLAN_MISSING_EARLY_PERCENT,
        "plan_missing_later_percent": claims.PLAN_MISSING_LATER_PERCENT,
        "copay_percent": claims.COPAY_PERCENT,
    }


LINE_FIELDS = ("service", "client_id", "billable_days", "total_units", "total_yen", "copayment")


def billing_floor_compare(claims_list, rows: list[tuple]) -> tuple[bool, dict]:
    """Do the floor's rows and the Python claims (a list of ``MonthClaims``) hold the same lines with the same
    (service, client, billable days, units, yen, co-payment)?  Returns the verdict and counts, totals and the
    first mismatches."""
    if hasattr(claims_list, "lines"):  # a single MonthClaims
        claims_list = [claims_list]
    python = {
        (claims.office.pk, line.service, line.client.pk):
            (line.billable_days, line.total_units, line.total_yen, line.copayment)
        for claims in claims_list for line in claims.lines
    }
    python_count = sum(len(claims.lines) for claims in claims_list)
    sql = {(row[6], row[0], row[1]): tuple(row[2:6]) for row in rows}
    mismatches = []
    for key in sorted(python.keys() | sql.keys(), key=lambda k: (k[0], k[1], k[2])):
        if python.get(key) != sql.get(key):
            mismatches.append({"office": key[0], "service": key[1], "client_id": key[2],
                               "python": python.get(key), "sql": sql.get(key)})
    python_order = [(claims.office.pk, line.service, line.client.pk)
                    for claims in sorted(claims_list, key=lambda c: c.office.pk) for line in claims.lines]
    same = not mismatches and python_count == len(python) and len(rows) == len(sql)
    return same, {
        "lines_python": python_count, "lines_sql": len(rows),
        "same_order": python_order == [(row[6], row[0], row[1]) for row in rows],
        "billable_days_python": sum(v[0] for v in python.values()),
        "billable_days_sql": sum(row[2] or 0 for row in rows),
        "total_units_python": sum(v[1] for v in python.values()), "total_units_sql": sum(row[3] or 0 for row in rows),
        "total_yen_python": sum(v[2] for v in python.values()), "total_yen_sql": sum(row[4] or 0 for row in rows),
        "copayment_python": sum(v[3] for v in python.values()), "copayment_sql": sum(row[5] or 0 for row in rows),
        "mismatches": len(mismatches), "first_mismatches": mismatches[:5],
    }
