"""Rule: every export of health and benefit data is recorded (who, when, what); staff cannot export."""

from django.urls import reverse

from clients.models import Diagnosis, SensitiveExport
from clients.services import health_update
from tests.factories import ClientFactory


def test_exporting_the_client_list_with_health_data_is_recorded(world, supervisor_client):
    # given
    client = ClientFactory(office=world.office, family_name="北村")
    health_update(client=client, data={"hospital": "札幌こころクリニック"},
                  diagnoses=Diagnosis.objects.filter(name="うつ病"), by=world.staff)
    ClientFactory(office=world.other_office)
    # when
    response = supervisor_client.get(reverse("clients:export"), {"q": "北村"})
    # then
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "北村" in body and "うつ病" in body and "札幌こころクリニック" in body
    record = SensitiveExport.objects.get()
    assert (record.exported_by, record.office, record.client_ids) == (world.supervisor, world.office, [client.pk])
    assert record.filters["q"] == "北村"
    assert "diagnoses" in record.fields


def test_staff_cannot_export_and_nothing_is_recorded(world, staff_client):
    ClientFactory(office=world.office)
    assert staff_client.get(reverse("clients:export")).status_code == 403
    assert not SensitiveExport.objects.exists()
