"""Rule: service dates and months are accepted only from 2000 to 2100, checked once where they enter a view
(compostela.dates); anything else answers with a clear message or a 404, never a 500."""

import pytest
from django.test import Client as HttpClient

pytestmark = pytest.mark.django_db

BAD_DAYS = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "99999999999-01-01", "2025-02-30", "-1"]
BAD_MONTHS = ["9999-12", "0001-01", "1999-12", "2101-01", "99999999999-1", "2025-13", "2025-00", "x"]
BAD_YEARS = [0, 1, 1999, 2101, 9999, 99999999999]


def as_manager(world):
    http = HttpClient(raise_request_exception=False)
    http.force_login(world.manager)
    return http


def get_urls():
    urls = []
    for day in BAD_DAYS:
        urls += [f"/attendance/?day={day}", f"/attendance/history/{day}/"]
    for month in BAD_MONTHS:
        urls += [f"/attendance/month/?month={month}", f"/billing/?month={month}"]
    for year in BAD_YEARS:
        urls += [
            f"/billing/month/{year}/1/history/",
            f"/billing/month/{year}/1/v1/",
            f"/billing/month/{year}/1/summary.pdf",
            f"/billing/month/{year}/1/claims.csv",
            f"/billing/month/{year}/1/claims.xlsx",
            f"/billing/tier/?fiscal_year={year}",
            f"/billing/followup-cost/?year={year}",
            f"/billing/followup-cost/export.csv?year={year}",
        ]
    for month in [0, 13, 99999999999]:
        urls += [f"/billing/month/2024/{month}/v1/", f"/billing/month/2024/{month}/claims.csv"]
    return urls


@pytest.mark.parametrize("url", get_urls())
def test_an_out_of_range_date_in_a_url_is_refused_cleanly(world, url):
    response = as_manager(world).get(url)
    assert response.status_code in {200, 302, 400, 404}, f"{url}: {response.status_code}"


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("action", ["close", "reopen"])
def test_closing_or_reopening_an_out_of_range_month_is_refused_cleanly(world, year, action):
    response = as_manager(world).post(f"/billing/month/{year}/1/{action}/", {"reason": "出席の訂正"})
    assert response.status_code in {302, 400, 404}, f"{action} {year}: {response.status_code}"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/attendance/?day=9999-12-31", "2000年から2100年"),
        ("/attendance/month/?month=0001-01", "2000年から2100年"),
        ("/billing/?month=9999-12", "2000年から2100年"),
    ],
)
def test_the_page_says_why_the_date_was_not_used(world, url, shown):
    response = as_manager(world).get(url)
    assert response.status_code == 200
    assert shown in response.content.decode()


@pytest.mark.parametrize("birth", ["1899-12-31", "2999-01-01"])
def test_a_birth_date_outside_1900_to_today_is_refused_with_its_code(world, birth):
    from datetime import date

    from django.core.exceptions import ValidationError

    from tests.factories import ClientFactory
    from tests.helpers import codes_of

    client = ClientFactory.build(office=world.office, birth_date=date.fromisoformat(birth))
    with pytest.raises(ValidationError) as refused:
        client.full_clean(exclude=["specialist"])
    assert "birth_date_out_of_range" in codes_of(refused.value)
