"""Fee revisions (報酬改定) as published data: read a revision file, show what loading it would change, load it.

A revision file (``fixtures/fees/*.json``, format in ``fixtures/fees/revision.schema.json`` and the README) holds
the notice (effective service month, title, number, source, checked on/by) and every value it changes, each
marked verified (with its source) or not.  The file is checked with ``jsonschema`` first — a refusal names the
JSON path of the value (``$.basic_fees[0].tiers[2].units``) — then every row is ``full_clean``-ed, so a value
the tables refuse is named by its path too.  Rows are matched by natural key: loading a file twice changes
nothing.  A value the file does not list stays as an earlier revision set it (a revision changes values).

The dates of the known revisions are data too (``fixtures/fees/known_revisions.json``): a service month on or
after one of them whose file is not loaded is computed with what is loaded and marked unverified
(``billing.services.fee_status``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from compostela.audit import audited

FEES_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "fees"
REVISION_SCHEMA = FEES_DIR / "revision.schema.json"
KNOWN_SCHEMA = FEES_DIR / "known_revisions.schema.json"
KNOWN_REVISIONS = FEES_DIR / "known_revisions.json"
# the revisions shipped with the product, oldest first (the templates are not loadable until filled in)
SHIPPED_REVISIONS = ["2018-04.json", "2019-10.json"]

MSG_NOT_JSON = gettext_noop("The file is not JSON: %(error)s")
MSG_AT_PATH = gettext_noop("%(path)s: %(message)s")
MSG_EMPTY = gettext_noop(
    "The revision lists no value (an unfilled template?): fill in its values from the notice first."
)


@dataclass(frozen=True)
class KnownRevision:
    effective_from: date
    title: str


@cache
def _validator(path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _schema_check(data, schema: Path) -> None:
    """Refuse ``data`` unless it follows ``schema``: every error, each named by the JSON path of the value."""
    errors = []
    for error in sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path)):
        errors.append(
            ValidationError(
                _(MSG_AT_PATH),
                code=BillingError.REVISION_FILE_INVALID,
                params={"path": error.json_path, "message": error.message},
            )
        )
    if errors:
        raise ValidationError(errors)


def known_revisions() -> list[KnownRevision]:
    """The known revision dates, oldest first (``fixtures/fees/known_revisions.json``)."""
    data = json.loads(KNOWN_REVISIONS.read_text(encoding="utf-8"))
    _schema_check(data, KNOWN_SCHEMA)
    return sorted(
        (KnownRevision(date.fromisoformat(r["effective_from"]), r["title"]) for r in data["revisions"]),
        key=lambda r: r.effective_from,
    )


def revision_file_read(path: Path) -> dict:
    """The revision file's data, or a ``ValidationError`` listing each refused value with its JSON path."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValidationError(
            _(MSG_NOT_JSON), code=BillingError.REVISION_FILE_INVALID, params={"error": str(error)}
        ) from error
    return revision_data_check(data)


def revision_data_check(data) -> dict:
    _schema_check(data, REVISION_SCHEMA)
    if not any(data[key] for key in ("basic_fees", "addons", "area_prices", "service_codes")):
        raise ValidationError(_(MSG_EMPTY), code=BillingError.REVISION_FILE_INVALID)
    return data


# -- the rows a revision file stands for ------------------------------------------------------------------
@dataclass
class RowPlan:
    """One row the file sets: how it is found (natural key), the values it gets, where it is in the file."""

    model: str
    path: str  # JSON path of the entry
    label: str
    key: dict
    values: dict
    parent: str | None = None  # "schedule" / "revision": the row belongs to that parent (natural key below)
    parent_key: dict = field(default_factory=dict)
    parent_in_key: bool = False  # the parent is part of the row's natural key (a tier, a service code)


@dataclass
class Change:
    path: str
    label: str
    action: str  # "add", "change" or "same"
    fields: dict  # field → (old, new), the fields that change


@dataclass
class RevisionDiff:
    effective_from: date
    title: str
    changes: list[Change]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.action != "same"]


def _rows_of(data: dict) -> list[RowPlan]:
    day = date.fromisoformat(data["effective_from"])
    rows = [
        RowPlan(
            model="FeeRevision",
            path="$",
            label=_("revision %(month)s") % {"month": f"{day:%Y-%m}"},
            key={"effective_from": day},
            values={
                "title": data["title"],
                "notice_number": data["notice_number"],
                "source_url": data["source_url"] or "",
                "checked_on": date.fromisoformat(data["checked_on"]) if data["checked_on"] else None,
                "checked_by": data["checked_by"],
                "notes": data.get("notes", ""),
            },
        )
    ]
    for i, table in enumerate(data["basic_fees"]):
        service = table["service"]
        rows.append(
            RowPlan(
                model="FeeSchedule",
                path=f"$.basic_fees[{i}]",
                label=f"{service} {table['name']}",
                key={"service": service, "valid_from": day},
                values={"name": table["name"], "to_verify": not all(t["verified"] for t in table["tiers"])},
                parent="revision",
                parent_key={"effective_from": day},
            )
        )
        for j, tier in enumerate(table["tiers"]):
            rows.append(
                RowPlan(
                    model="BasicFee",
                    path=f"$.basic_fees[{i}].tiers[{j}]",
                    label=f"{service} {tier['band_min']}–{tier['band_max'] or ''} ≥{tier['min_rate']}",
                    key={
                        "band_min": tier["band_min"],
                        "min_rate": Decimal(tier["min_rate"]),
                        "min_inclusive": tier["min_inclusive"],
                    },
                    values={
                        "band_max": tier["band_max"],
                        "units": tier["units"],
                        "to_verify": not tier["verified"],
                        "source": tier.get("source", ""),
                    },
                    parent="schedule",
                    parent_key={"service": service, "valid_from": day},
                    parent_in_key=True,
                )
            )
    for i, addon in enumerate(data["addons"]):
        rows.append(
            RowPlan(
                model="AddOnRate",
                path=f"$.addons[{i}]",
                label=addon["kind"],
                key={"kind": addon["kind"], "valid_from": day},
                values={
                    "units": addon["units"],
                    "monthly_max": addon["monthly_max"],
                    "yearly_max": addon.get("yearly_max"),  # absent: no yearly limit
                    "to_verify": not addon["verified"],
                    "source": addon.get("source", ""),
                },
                parent="revision",
                parent_key={"effective_from": day},
            )
        )
    for i, price in enumerate(data["area_prices"]):
        rows.append(
            RowPlan(
                model="AreaUnitPrice",
                path=f"$.area_prices[{i}]",
                label=f"{price['service']} {price['area_grade']}",
                key={"area_grade": price["area_grade"], "service": price["service"], "valid_from": day},
                values={
                    "yen_per_unit": Decimal(price["yen_per_unit"]),
                    "to_verify": not price["verified"],
                    "source": price.get("source", ""),
                },
                parent="revision",
                parent_key={"effective_from": day},
            )
        )
    for i, code in enumerate(data["service_codes"]):
        rows.append(
            RowPlan(
                model="ServiceCode",
                path=f"$.service_codes[{i}]",
                label=f"{code['service']} {code['item']}",
                key={"service": code["service"], "item": code["item"]},
                values={
                    "name": code.get("name", ""),
                    "code": code["code"],
                    "form_type": code.get("form_type", ""),
                    "to_verify": not code["verified"],
                    "source": code.get("source", ""),
                },
                parent="revision",
                parent_key={"effective_from": day},
                parent_in_key=True,
            )
        )
    return rows


def _models(apps):
    if apps is None:
        from django.apps import apps
    return lambda name: apps.get_model("billing", name)


def _parent_of(row: RowPlan, parents: dict):
    return parents.get((row.parent, tuple(sorted(row.parent_key.items())))) if row.parent else None


def _values(model_of, row: RowPlan) -> dict:
    """The row's values the model has: a data migration runs the loader with the historical models, which
    lack the fields added after it (``AddOnRate.yearly_max``); those keep their defaults there."""
    names = {f.name for f in model_of(row.model)._meta.get_fields()}
    return {k: v for k, v in row.values.items() if k in names}


def _existing(model_of, row: RowPlan, parents: dict):
    """The row loaded already under the natural key (None: new)."""
    key = dict(row.key)
    if row.parent_in_key:
        parent = _parent_of(row, parents)
        if parent is None:
            return None
        key[row.parent] = parent
    return model_of(row.model).objects.filter(**key).first()


def _remember(row: RowPlan, instance, parents: dict) -> None:
    if row.model == "FeeRevision":
        parents[("revision", tuple(sorted(row.key.items())))] = instance
    elif row.model == "FeeSchedule":
        parents[("schedule", tuple(sorted(row.key.items())))] = instance


def _same(old, new) -> bool:
    if isinstance(new, Decimal) and old is not None:
        return Decimal(old) == new
    return old == new


def revision_diff(data: dict, *, apps=None) -> RevisionDiff:
    """What loading ``data`` (checked by ``revision_data_check``) would add or change; no write."""
    model_of = _models(apps)
    parents: dict = {}
    changes = []
    for row in _rows_of(data):
        existing = _existing(model_of, row, parents)
        values = _values(model_of, row)
        if existing is None:
            changes.append(Change(row.path, row.label, "add", {k: (None, v) for k, v in values.items()}))
            continue
        _remember(row, existing, parents)
        differ = {k: (getattr(existing, k), v) for k, v in values.items() if not _same(getattr(existing, k), v)}
        if row.parent and not row.parent_in_key:
            parent = _parent_of(row, parents)
            if parent is None or getattr(existing, f"{row.parent}_id") != parent.pk:
                differ[row.parent] = (getattr(existing, f"{row.parent}_id"), data["effective_from"][:7])
        changes.append(Change(row.path, row.label, "change" if differ else "same", differ))
    return RevisionDiff(date.fromisoformat(data["effective_from"]), data["title"], changes)


def _at_path(error: ValidationError, path: str) -> list[tuple[str, str]]:
    """A row's ``full_clean`` refusal as (JSON path of the value, message) pairs."""
    out = []
    for name, errors in error.error_dict.items():
        where = path if name == "__all__" else f"{path}.{name}"
        for each in errors:
            out.append((where, str(each.message % each.params if each.params else each.message)))
    return out


@audited(by="by")
@transaction.atomic
def revision_load(*, data: dict, loaded_from: str = "", by=None, apps=None) -> RevisionDiff:
    """Load a checked revision (``revision_data_check``): every row ``full_clean``-ed and written only when it
    changes; a refused value rolls the whole file back and is named by its JSON path.  Returns the diff
    that was applied (all "same" when the file was loaded already)."""
    model_of = _models(apps)
    diff = revision_diff(data, apps=apps)
    parents: dict = {}
    errors: list[ValidationError] = []
    for row, change in zip(_rows_of(data), diff.changes, strict=True):
        existing = _existing(model_of, row, parents)
        if change.action == "same":
            _remember(row, existing, parents)
            continue
        instance = existing or model_of(row.model)(**row.key)
        if row.parent:
            parent = _parent_of(row, parents)
            if parent is None:
                continue  # its parent was refused (reported)
            setattr(instance, row.parent, parent)
        for name, value in _values(model_of, row).items():
            setattr(instance, name, value)
        if row.model == "FeeRevision":
            instance.loaded_from = loaded_from
        try:
            instance.full_clean()
        except ValidationError as error:
            for where, message in _at_path(error, row.path):
                errors.append(
                    ValidationError(
                        _(MSG_AT_PATH),
                        code=BillingError.REVISION_VALUE_INVALID,
                        params={"path": where, "message": message},
                    )
                )
            continue
        instance.save()
        _remember(row, instance, parents)
    if errors:
        raise ValidationError(errors)
    return diff


def shipped_revisions_load(*, apps=None) -> int:
    """Load every shipped revision file (migrations, a test's flushed database); returns the rows changed."""
    changed = 0
    for name in SHIPPED_REVISIONS:
        data = revision_file_read(FEES_DIR / name)
        changed += len(revision_load(data=data, loaded_from=f"fixtures/fees/{name}", apps=apps).changed)
    return changed
