"""Rules of the import upload screen: a manager uploads, sees the dry-run report (nothing written), then
confirms; the confirm step trusts only a token bound to the uploading manager and office (the file stays on
the server); staff and supervisors are refused; another office's manager, another manager of the same
office, or a replayed token get 404 and nothing is written; CSRF is enforced."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from clients.models import Client
from compostela.models import Role
from tests.conftest import logged_in
from tests.factories import MembershipFactory, UserFactory

GOOD = (
    "family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on\n"
    "山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2025-04-01,2025-04-15\n"
)
BAD = GOOD + "川口,,カワグチ,サクラ,1999-12-31,visitor,2025-06-01,\n"


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(http, text: str, *, kind="clients", name="clients.csv", encoding="utf-8"):
    return http.post(reverse("import_upload"), {"kind": kind, "file": SimpleUploadedFile(name, text.encode(encoding))})


def token_of(response) -> str:
    return re.search(r'action="/imports/([^/"]+)/"', response.content.decode()).group(1)


def test_a_manager_sees_the_dry_run_then_confirms(world, upload_dir):
    http = logged_in(world.manager)
    # when the file is uploaded: a dry run, nothing written
    response = upload(http, GOOD, encoding="cp932")
    assert response.status_code == 200
    assert not Client.objects.exists()
    token = token_of(response)
    assert len(list(upload_dir.iterdir())) == 1
    # then confirming imports it, and the kept file is gone
    response = http.post(reverse("import_confirm", args=[token]))
    assert response.status_code == 200
    assert Client.objects.get().office == world.office
    assert not list(upload_dir.iterdir())
    # a replayed confirm finds nothing
    assert http.post(reverse("import_confirm", args=[token])).status_code == 404
    assert Client.objects.count() == 1


def test_the_dry_run_lists_every_bad_row_and_confirming_without_partial_writes_nothing(world):
    http = logged_in(world.manager)
    response = upload(http, BAD)
    assert "clients.csv:3: given_name: " in response.content.decode()
    token = token_of(response)
    response = http.post(reverse("import_confirm", args=[token]))
    assert response.status_code == 400 and not Client.objects.exists()
    # the good rows only, on request
    response = http.post(reverse("import_confirm", args=[token]), {"partial": "on"})
    assert response.status_code == 200
    assert list(Client.objects.values_list("family_name", flat=True)) == ["山本"]


def test_a_refused_file_is_one_clear_message_not_a_500(world):
    http = logged_in(world.manager)
    response = upload(http, "not a workbook", name="clients.xlsx")
    assert response.status_code == 400
    assert "XLSX" in response.content.decode()
    with override_settings(IMPORT_MAX_FILE_BYTES=10):
        response = upload(http, GOOD)
    assert response.status_code == 400 and "MB" in response.content.decode()
    assert not Client.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.SUPERVISOR])
def test_staff_and_supervisors_are_refused(world, role):
    http = logged_in(world.staff if role == Role.STAFF else world.supervisor)
    assert http.get(reverse("import_upload")).status_code == 403
    assert upload(http, GOOD).status_code == 403
    assert not Client.objects.exists()


def test_the_token_is_bound_to_the_manager_and_the_office(world):
    token = token_of(upload(logged_in(world.manager), GOOD))
    # another office's manager
    assert logged_in(world.outsider).post(reverse("import_confirm", args=[token])).status_code == 404
    # another manager of the same office (another session)
    colleague = UserFactory(username="a-manager-2")
    MembershipFactory(user=colleague, office=world.office, role=Role.MANAGER)
    assert logged_in(colleague).post(reverse("import_confirm", args=[token])).status_code == 404
    assert not Client.objects.exists()


def test_the_import_goes_into_the_managers_current_office_only(world):
    # given a manager of two offices, working in the first one
    MembershipFactory(user=world.manager, office=world.other_office, role=Role.MANAGER)
    http = logged_in(world.manager)
    token = token_of(upload(http, GOOD))
    # when they switch office before confirming
    http.post(reverse("switch_office"), {"office": world.other_office.pk})
    # then the token (kept for the first office) is unknown here
    assert http.post(reverse("import_confirm", args=[token])).status_code == 404
    assert not Client.objects.exists()


def test_a_changed_file_on_the_server_is_not_imported(world, upload_dir):
    http = logged_in(world.manager)
    token = token_of(upload(http, GOOD))
    (upload_dir / f"{token}.upload").write_text(GOOD.replace("山本", "改竄"), encoding="utf-8")
    assert http.post(reverse("import_confirm", args=[token])).status_code == 404
    assert not Client.objects.exists()


def test_csrf_is_enforced(world):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world.manager)
    assert upload(http, GOOD).status_code == 403
    assert not Client.objects.exists()


@pytest.mark.parametrize("kind", ["placements", "followups", "attendance"])
def test_every_registered_import_is_offered(world, kind):
    response = logged_in(world.manager).get(reverse("import_upload"))
    assert f'value="{kind}"' in response.content.decode()
