"""Rule: the roster's status radios are written by the day template (no HTML in Python): for each row one radio
per status with RadioSelect's names and ids, the keyboard key of static/js/attendance.js (data-key), the
recorded status checked, all disabled on a read-only day — and a client's name is printed as text, escaped,
however hostile."""

import re
from datetime import timedelta

from django.urls import reverse
from markupsafe import escape as markup_escape

from attendance.forms import STATUS_KEYS
from attendance.models import AttendanceStatus
from tests.factories import AttendanceFactory, enrolled_client

URL = reverse("attendance:day")
SCRIPT, ATTRIBUTE = "<script>alert(1)</script>", '"><img src=x onerror=alert(2)>'


def radios_of(text: str, client) -> list[str]:
    return re.findall(rf'<input type="radio" name="c{client.pk}-status"[^>]*>', text)


def test_each_row_has_one_radio_per_status_with_the_recorded_one_checked(world, today, staff_client):
    client = enrolled_client(world.office)
    AttendanceFactory(client=client, day=today, status=AttendanceStatus.OFFSITE)
    text = staff_client.get(URL).content.decode()
    radios = radios_of(text, client)
    assert radios == [
        f'<input type="radio" name="c{client.pk}-status" value="{value}" id="id_c{client.pk}-status_{key}"'
        f"{' checked' if value == AttendanceStatus.OFFSITE else ''}>"
        for value, key in [("", "0"), ("attended", "1"), ("offsite", "2"), ("absent", "3"), ("absent_supported", "4")]
    ]
    for value, key in STATUS_KEYS.items():
        assert f'<label class="st st-{value or "none"}" data-key="{key}">' in text


def test_on_a_read_only_day_every_radio_is_disabled(world, today, staff_client):
    client = enrolled_client(world.office)
    text = staff_client.get(URL, {"day": (today + timedelta(days=1)).isoformat()}).content.decode()
    radios = radios_of(text, client)
    assert len(radios) == 5 and all(radio.endswith(" disabled>") for radio in radios)
    assert radios[0].endswith(" checked disabled>")  # no entry yet


def test_a_hostile_client_name_is_escaped_on_the_roster(world, today, staff_client):
    client = enrolled_client(world.office, family_name=SCRIPT, given_name=ATTRIBUTE)
    response = staff_client.get(URL)
    text = response.content.decode()
    assert response.status_code == 200 and len(radios_of(text, client)) == 5
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    # the rows are a Jinja2 fragment: markupsafe's escaping (&#39; where Django writes &#x27;)
    assert str(markup_escape(client.full_name)) in text
