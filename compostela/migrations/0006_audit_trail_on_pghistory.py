"""The audit trail moves to django-pghistory: the events recorded by the old trigger (compostela_auditevent)
are carried over into the event tables of the apps (one per tracked model, made by the apps'
``pghistory_events`` migrations), then the old table, its trigger function and the triggers it had on every
audited table are dropped.  ``compostela.AuditEvent`` becomes the read-only view of pghistory's ``Events`` (the next migration).

A carried-over event keeps its time, its action (the event's label), the row as it was recorded (after
a create or change, before a delete) and its context: the user, and the request (id, method, path) or the
reason (a command, a task, a migration).  An export becomes an "export" event of the office.
"""

from django.db import migrations

CHUNK = 2000

DROP_OLD_TRIGGERS = """
DROP FUNCTION IF EXISTS compostela_audit_row() CASCADE;
"""


def _context(event) -> dict:
    """The old ``context`` text and user as the new context document."""
    context = {"user": event.user_id}
    text = event.context or ""
    if text.startswith("request "):
        parts = text.split(" ", 3)
        if len(parts) == 4:
            context.update(request=parts[1], method=parts[2], url=parts[3])
            return context
    context["reason"] = text
    return context


def _event_models_by_table(apps) -> dict:
    """db_table of a tracked model -> its event model (the model whose ``pgh_obj`` points to it)."""
    found = {}
    for model in apps.get_models():
        try:
            obj_field = model._meta.get_field("pgh_obj")
        except Exception:  # noqa: S112 - FieldDoesNotExist: not an event model
            continue
        for field in model._meta.fields:  # the carried-over values keep their own dates
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                field.auto_now_add = field.auto_now = False
        found[obj_field.related_model._meta.db_table] = model
    return found


def _values(event_model, data: dict) -> dict:
    values = {}
    for field in event_model._meta.fields:
        if field.name.startswith("pgh_") or field.column not in data:
            continue
        value = data[field.column]
        values[field.attname] = value if field.is_relation or value is None else field.to_python(value)
    return values


def carry_over(apps, schema_editor):
    AuditEvent = apps.get_model("compostela", "AuditEvent")
    Office = apps.get_model("compostela", "Office")
    by_table = _event_models_by_table(apps)
    office_event = by_table[Office._meta.db_table]
    offices = {office.pk: office for office in Office.objects.all()}
    pending: dict = {}

    def flush():
        for model, rows in pending.items():
            model.objects.bulk_create(rows)
        pending.clear()

    for n, event in enumerate(AuditEvent.objects.order_by("pk").iterator(chunk_size=CHUNK), start=1):
        common = {"pgh_created_at": event.at, "pgh_label": event.action, "pgh_context": _context(event)}
        if event.action == "export":
            office = offices.get(event.office_id)
            if office is None:
                continue
            common["pgh_context"]["export"] = event.after
            values = {f.attname: getattr(office, f.attname) for f in Office._meta.fields}
            model, row = office_event, {**values, "pgh_obj_id": office.pk}
        else:
            model = by_table.get(event.table_name)
            if model is None:  # a table no longer tracked
                continue
            data = event.before if event.action == "delete" else event.after
            row = {**_values(model, data or {}), "pgh_obj_id": event.row_pk or None}
        pending.setdefault(model, []).append(model(**common, **row))
        if n % CHUNK == 0:
            flush()
    flush()


class Migration(migrations.Migration):

    dependencies = [
        ("compostela", "0005_pghistory_events"),
        ("regulations", "0003_pghistory_events"),
        ("clients", "0016_pghistory_events"),
        ("attendance", "0003_pghistory_events"),
        ("placements", "0005_pghistory_events"),
        ("billing", "0007_pghistory_events"),
        ("review", "0002_pghistory_events"),
    ]

    operations = [
        # the old triggers first, so nothing is recorded twice from here on
        migrations.RunSQL(DROP_OLD_TRIGGERS, migrations.RunSQL.noop),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RunSQL(
            "DROP TRIGGER IF EXISTS compostela_audit_append_only ON compostela_auditevent;"
            " DROP FUNCTION IF EXISTS compostela_audit_append_only();",
            migrations.RunSQL.noop,
        ),
        migrations.DeleteModel(name="AuditEvent"),
    ]
