"""The charts speak the user's language: Japanese on the office's pages and documents (万円, 月, 人), and
nothing Japanese in the English UI."""

import re
from datetime import date

import pytest
from django.utils import translation

from billing.documents.charts import chart_fees_and_days, chart_hires_by_bucket, chart_retention_by_year
from billing.documents.series import MonthPoint, RetentionYear
from billing.services.followup_cost import Bucket

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def charts() -> str:
    points = [MonthPoint(month=date(2024, m, 1), yen=1_230_000 + m, days=180, source="claims") for m in range(1, 13)]
    buckets = [Bucket(low=0, high=49, hires=3), Bucket(low=50, high=None, hires=2)]
    years = [RetentionYear(year=2024, hires=5, retained=3, left=1, short_fixed_term=0, pending=1)]
    return chart_fees_and_days(points) + chart_hires_by_bucket(buckets) + chart_retention_by_year(years)


@pytest.mark.parametrize("language", ["en"])
def test_english_charts_have_no_japanese(language):
    with translation.override(language):
        svg = charts()
    assert JAPANESE.findall(svg) == []
    assert "¥1,230,001" in svg and "Jan" in svg and "Six-month retention by year of hire" in svg


def test_japanese_charts_keep_the_office_words():
    with translation.override("ja"):
        svg = charts()
    for word in ["万円", "1月", "2024年", "3人", "75%（3/4人）", "就職5人", "月別の報酬と通所日数"]:
        assert word in svg, word
