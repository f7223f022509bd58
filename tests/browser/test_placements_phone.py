"""Rule: from a phone-sized screen (390×844) a staff member logs an employer contact for a client and a
follow-up contact after a hire, each in one short form."""

from datetime import date
from pathlib import Path

import pytest

from compostela.models import Role
from placements.models import EmployerContact, FollowUpContact
from tests.browser_support import watch_console
from tests.factories import (
    TEST_PASSWORD,
    ClientFactory,
    EmployerFactory,
    HireFactory,
    MembershipFactory,
    OfficeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_log_employer_contact_and_followup_on_a_phone(live_server, browser, today):
    # given
    office = OfficeFactory(name="就労移行支援事業所コンポステラ", number="0110000001")
    user = UserFactory(username="es1", last_name="高橋", first_name="翔")
    MembershipFactory(user=user, office=office, role=Role.STAFF)
    employer = EmployerFactory(office=office, name="株式会社北斗物流センター")
    client = ClientFactory(office=office, family_name="札幌", given_name="一郎", specialist=user)
    hire = HireFactory(office=office, client=ClientFactory(office=office, family_name="小樽", given_name="花子",
                                                            status="employed"),
                       start_date=today.replace(day=1), created_by=user)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    console_errors = watch_console(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "es1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    # when logging an employer contact for the client
    page.goto(f"{live_server.url}/placements/contacts/new/?client={client.pk}")
    page.select_option("#id_employer", str(employer.pk))
    page.select_option("#id_kind", "hiring_manager")
    page.fill("#id_minutes", "45")
    page.fill("#id_outcome", "倉庫の軽作業で求人が出る見込み。来週見学。")
    assert page.locator(f"input[name=clients][value='{client.pk}']").is_checked()
    page.screenshot(path=str(ARTIFACTS / "placements-contact-phone.png"), full_page=True)
    page.click("button[type=submit].primary")
    # then it is in the log
    assert "/placements/contacts/" in page.url
    assert page.get_by_text("株式会社北斗物流センター").first.is_visible()
    contact = EmployerContact.objects.get()
    assert (contact.staff, contact.kind, contact.minutes) == (user, "hiring_manager", 45)
    assert list(contact.clients.all()) == [client]
    # when recording a follow-up after the hire
    page.goto(f"{live_server.url}/placements/hires/{hire.pk}/")
    page.click("text=定着支援を記録")
    page.select_option("#id_kind", "face_to_face")
    page.fill("#id_minutes", "30")
    page.fill("#id_note", "初日。表情は明るい。")
    page.click("button[type=submit].primary")
    # then the hire page shows it in the unpaid phase, and nothing scrolls sideways
    assert f"/placements/hires/{hire.pk}/" in page.url
    assert page.locator("ul.log li.phase-unpaid").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "placements-hire-phone.png"), full_page=True)
    followup = FollowUpContact.objects.get()
    assert (followup.hire, followup.minutes, followup.day) == (hire, 30, today)
    assert followup.day >= date(2000, 1, 1)
    context.close()
    assert not console_errors, console_errors
