"""The code values of the claim file that the layout reference states (``shared/claim-file-layout.md``): the
地域区分コード of each area grade, the two-digit service type of each service, and the fixed values of our
records.  Everything that changes with a fee revision (service codes, 様式種別番号) is data, not here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from billing.models import Service
from compostela.models import AreaGrade

# 地域区分コード (layout reference, "Area-grade codes"): the grades the product records.  The older grades of
# the table (01 特別区 … 05 丙地, 18–22 八級地 … 十二級地) are not grades an office can record here.
AREA_GRADE_CODES: dict[str, str] = {
    AreaGrade.GRADE_1: "11",
    AreaGrade.GRADE_2: "12",
    AreaGrade.GRADE_3: "13",
    AreaGrade.GRADE_4: "14",
    AreaGrade.GRADE_5: "15",
    AreaGrade.GRADE_6: "16",
    AreaGrade.GRADE_7: "17",
    AreaGrade.OTHER: "23",
}

# サービス種類コード: the first two characters of every service code of the service (43 就労移行支援,
# 47 就労定着支援).
SERVICE_TYPE_CODES: dict[str, str] = {Service.TRANSITION: "43", Service.RETENTION_SUPPORT: "47"}

NO = "1"  # 1:無し 2:有り (就労継続支援A型 fields: never ours)
BENEFIT_KIND = "1"  # 給付種別 1: 介護給付費・訓練等給付費 …
MEDIUM = "1"  # 媒体区分 (the only code the control record lists)
BENEFIT_RATE = "0"  # 給付率: 0 from サービス提供年月 2012-04 on


def area_grade_code(grade: str) -> str:
    """The 地域区分コード of an area grade (``AreaGrade`` value); "" for a grade the table lacks."""
    return AREA_GRADE_CODES.get(grade, "")


def yen_per_unit_thousandths(yen_per_unit: Decimal) -> str:
    """単位数単価 in thousandths of a yen, five digits (10.17 → ``10170``; 8.5 → ``08500``), the fourth decimal
    rounded half up."""
    thousandths = int((Decimal(yen_per_unit) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{thousandths:05d}"
