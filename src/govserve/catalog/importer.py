"""Catalog import and export in the exchange format, all rows or none.

Every row is validated first (ItemRowSerializer, plus duplicates within the file and
against the catalog); only a file without a single rejected row is written, in one
transaction, so a failed import leaves the catalog exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from govserve.core import parsers

from .models import (
    BasicItem,
    CommonMaterial,
    Fee,
    ImplementationItem,
    ItemEvent,
    ItemState,
    LegalBasis,
    Material,
    Responsibility,
)
from .samples import render_result_sample
from .search import index as search_index
from .serializers import ItemRowSerializer, Lookups
from .services import record_event

LIST_FIELDS = {
    "co_departments",
    "procedure",
    "fees",
    "service_objects",
    "handling_forms",
    "online_depth",
    "legal_bases",
    "materials",
    "responsibilities",
}
BOOL_FIELDS = {
    "fee_charged",
    "supports_appointment",
    "supports_online_payment",
    "supports_delivery",
    "online",
    "fully_online",
    "elements_complete",
}


class ImportFormatError(Exception):
    """The file as a whole cannot be read (encoding, syntax, shape)."""


@dataclass
class RowError:
    line: int
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    item_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
        }


# -- reading files ---------------------------------------------------------------------
def read_rows(data: bytes, fmt: str) -> list[tuple[int, dict]]:
    """(line, row) pairs from a JSON or CSV file;
    line is the item's number (JSON) or file line (CSV)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            _("文件编码不是UTF-8（第%(pos)s字节起无法解码，GBK等编码请先转换为UTF-8）")
            % {"pos": exc.start + 1}
        ) from exc
    if fmt == "json":
        return _json_rows(text)
    if fmt == "csv":
        return _csv_rows(text)
    raise ImportFormatError(_("不支持的文件格式“%(fmt)s”，请使用JSON或CSV") % {"fmt": fmt})


def _json_rows(text: str) -> list[tuple[int, dict]]:
    try:
        doc = parsers.loads(text)  # json.loads, refusing nesting too deep to read
    except parsers.TooDeep as exc:
        raise ImportFormatError(exc.message) from None
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            _("JSON格式错误：第%(line)s行第%(col)s列") % {"line": exc.lineno, "col": exc.colno}
        ) from exc
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):
        doc = doc["items"]
    if not isinstance(doc, list):
        raise ImportFormatError(_("JSON文件应为事项数组，或包含items数组的对象"))
    return [(i, row) for i, row in enumerate(doc, start=1)]


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise ImportFormatError(
            _("CSV文件第1行应为字段名，且至少包含name、item_type、region、department")
        )
    rows = []
    for row in reader:
        line = reader.line_num
        clean: dict = {}
        for key, value in row.items():
            if key is None:
                clean["__extra__"] = value
                continue
            value = (value or "").strip()
            if key in LIST_FIELDS:
                clean[key] = _json_cell(value) if value.startswith("[") else value or []
            elif key in BOOL_FIELDS:
                clean[key] = value.lower() in ("1", "true", "yes", "是", "y") if value else False
            elif value == "" and key.endswith(("_days", "exercise_level", "effective_date")):
                clean[key] = None
            else:
                clean[key] = value
        rows.append((line, clean))
    return rows


def _json_cell(value: str):
    try:
        return parsers.loads(value)
    except (json.JSONDecodeError, parsers.TooDeep):
        return value  # the serializer reports it as a field error


def export_rows(queryset) -> list[dict]:
    """Items in the exchange format; re-importable into an empty catalog."""
    rows = []
    qs = queryset.select_related(
        "basic_item", "basic_item__parent", "region", "department"
    ).prefetch_related(
        "materials__common", "fees", "responsibilities", "co_departments", "basic_item__legal_bases"
    )
    for item in qs:
        rows.append(
            {
                "name": item.name,
                "item_type": item.item_type,
                "basic_code": item.basic_item.code or "",
                "basic_local_code": item.basic_item.local_code,
                "parent_item": item.basic_item.parent.name if item.basic_item.parent_id else "",
                "implementation_code": item.implementation_code or "",
                "local_code": item.local_code,
                "region": item.region.code,
                "department": item.department.uscc or item.department.name,
                "body_nature": item.body_nature,
                "co_departments": [d.uscc or d.name for d in item.co_departments.all()],
                "handling_unit": item.handling_unit,
                "exercise_level": item.exercise_level,
                "statutory_limit_days": item.statutory_limit_days,
                "statutory_limit_note": item.statutory_limit_note,
                "promised_limit_days": item.promised_limit_days,
                "promised_limit_note": item.promised_limit_note,
                "case_type": item.case_type,
                "acceptance_conditions": item.acceptance_conditions,
                "procedure": item.procedure,
                "intermediary_services": item.intermediary_services,
                "quantity_limit": item.quantity_limit,
                "result_name": item.result_name,
                "result_type": item.result_type,
                "result_sample": item.result_sample.name if item.result_sample else "",
                "fee_charged": item.fee_charged,
                "fee_basis": item.fee_basis,
                "fees": [
                    {
                        "name": f.name,
                        "standard": f.standard,
                        "basis": f.basis,
                        "waivable": f.waivable,
                    }
                    for f in item.fees.all()
                ],
                "tongban_scope": item.tongban_scope,
                "service_objects": item.service_objects,
                "handling_forms": item.handling_forms,
                "supports_appointment": item.supports_appointment,
                "supports_online_payment": item.supports_online_payment,
                "supports_delivery": item.supports_delivery,
                "online": item.online,
                "online_depth": item.online_depth,
                "fully_online": item.fully_online,
                "visits_required": item.visits_required,
                "visit_reason": item.visit_reason,
                "place": item.place,
                "hours": item.hours,
                "consult_phone": item.consult_phone,
                "complaint_phone": item.complaint_phone,
                "review_body": item.review_body,
                "litigation_body": item.litigation_body,
                "keywords": item.keywords,
                "min_assurance_level": item.min_assurance_level,
                "legal_bases": [b.as_dict() for b in item.basic_item.legal_bases.all()],
                "materials": [
                    {
                        "name": m.name,
                        "common": m.common.name if m.common_id else "",
                        "issuing_body": m.issuing_body,
                        "originals": m.originals,
                        "copies": m.copies,
                        "required": m.required,
                        "required_note": m.required_note,
                        "form": m.form,
                        "source": m.source,
                        "requirements": m.requirements,
                    }
                    for m in item.materials.all()
                ],
                "responsibilities": [
                    {
                        "stage": r.stage,
                        "duty": r.duty,
                        "accountability": r.accountability,
                        "basis": r.basis,
                    }
                    for r in item.responsibilities.all()
                ],
                "elements_complete": item.elements_complete,
                "source": item.source,
                "state": item.state
                if item.state in (ItemState.DRAFT, ItemState.PUBLISHED)
                else ItemState.DRAFT,
                "effective_date": item.effective_date.isoformat() if item.effective_date else None,
            }
        )
    return rows


def export_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False)
                if k in LIST_FIELDS
                else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()


# -- validating and writing ------------------------------------------------------------
def _flatten(detail, prefix: str = "") -> list[tuple[str, str]]:
    """DRF error detail → (field path, message) pairs,
    e.g. ('materials[2].name', '该字段是必填项。')."""
    pairs: list[tuple[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # list fields report by position
                pairs += _flatten(value, f"{prefix}[{key + 1}]")
                continue
            name = "row" if key == "non_field_errors" else key
            pairs += _flatten(value, f"{prefix}.{name}" if prefix else name)
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            pairs += [(prefix or "row", str(v)) for v in detail]
        else:
            for i, value in enumerate(detail):
                if value:
                    pairs += _flatten(value, f"{prefix}[{i + 1}]")
    else:
        pairs.append((prefix or "row", str(detail)))
    return pairs


# The exchange format's fields, computed once rather than for every row of a large file.
ROW_FIELDS = frozenset(ItemRowSerializer().fields)


def validate_rows(
    rows: list[tuple[int, dict]], *, create_departments: bool = False
) -> tuple[list[tuple[int, dict]], list[RowError]]:
    lookups = Lookups()
    valid, errors = [], []
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    for line, row in rows:
        if not isinstance(row, dict):
            errors.append(RowError(line, "row", _("每一行应为一个事项对象")))
            continue
        unknown = sorted(set(row) - ROW_FIELDS - {"__extra__"})
        if unknown or "__extra__" in row:
            errors.append(
                RowError(
                    line,
                    "row",
                    _("未知字段：%(fields)s") % {"fields": "、".join(unknown) or _("多余的列")},
                )
            )
            continue
        ser = ItemRowSerializer(data=row, lookups=lookups, create_departments=create_departments)
        if not ser.is_valid():
            errors += [RowError(line, f, m) for f, m in _flatten(ser.errors)]
            continue
        data = ser.validated_data
        code = data.get("implementation_code")
        if code:
            if code in seen_codes:
                errors.append(
                    RowError(
                        line,
                        "implementation_code",
                        _("实施编码与第%(other)s行重复") % {"other": seen_codes[code]},
                    )
                )
                continue
            seen_codes[code] = line
        dept = data["department"]
        key = (data["name"], data["region"].id, dept.pk or dept.name)
        if key in seen_keys:
            errors.append(
                RowError(
                    line,
                    "name",
                    _("同一实施主体的同名事项与第%(other)s行重复") % {"other": seen_keys[key]},
                )
            )
            continue
        seen_keys[key] = line
        valid.append((line, data))
    _check_existing(valid, errors)
    return valid, errors


def _check_existing(valid: list[tuple[int, dict]], errors: list[RowError]) -> None:
    codes = {d["implementation_code"]: line for line, d in valid if d.get("implementation_code")}
    for code in ImplementationItem.objects.filter(implementation_code__in=codes).values_list(
        "implementation_code", flat=True
    ):
        errors.append(
            RowError(
                codes[code], "implementation_code", _("实施编码“%(code)s”已存在") % {"code": code}
            )
        )
    by_dept: dict[int, dict[str, int]] = {}
    for line, d in valid:
        if d["department"].pk:
            by_dept.setdefault(d["department"].pk, {})[d["name"]] = line
    for dept_id, names in by_dept.items():
        for name in (
            ImplementationItem.objects.filter(department_id=dept_id, name__in=names)
            .exclude(state__in=[ItemState.CANCELLED, ItemState.DELEGATED, ItemState.MERGED])
            .values_list("name", flat=True)
        ):
            errors.append(
                RowError(
                    names[name], "name", _("该实施主体已有同名事项“%(name)s”") % {"name": name}
                )
            )
    errors.sort(key=lambda e: e.line)


def import_rows(
    rows: list[tuple[int, dict]],
    *,
    actor=None,
    dry_run: bool = False,
    create_departments: bool = False,
) -> ImportReport:
    """Validate every row; write all of them in one transaction only if none is rejected."""
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    valid, report.errors = validate_rows(rows, create_departments=create_departments)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        writer = _Writer(actor)
        report.item_ids = [writer.write(data).pk for _line, data in valid]
        search_index.update_items(report.item_ids)
    report.created = len(report.item_ids)
    return report


def import_file(data: bytes, fmt: str, **kwargs) -> ImportReport:
    try:
        rows = read_rows(data, fmt)
    except ImportFormatError as exc:
        return ImportReport(
            errors=[RowError(0, "file", str(exc))], dry_run=kwargs.get("dry_run", False)
        )
    return import_rows(rows, **kwargs)


class _Writer:
    """Creates the rows of one import; caches basic items and standard materials."""

    def __init__(self, actor) -> None:
        self.actor = (
            actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        )
        self.basic_by_code: dict[str, BasicItem] = {}
        self.basic_by_name: dict[tuple[str, str], BasicItem] = {}
        self.common: dict[str, CommonMaterial] = {}

    def basic_item(self, data: dict) -> BasicItem:
        code = data["basic_code"]
        if code:
            if code not in self.basic_by_code:
                basic, _created = BasicItem.objects.get_or_create(
                    code=code,
                    defaults={
                        "name": data["name"],
                        "item_type": data["item_type"],
                        "local_code": data["basic_local_code"],
                    },
                )
                self.basic_by_code[code] = basic
            basic = self.basic_by_code[code]
        else:
            key = (data["name"], data["item_type"])
            if key not in self.basic_by_name:
                self.basic_by_name[key] = BasicItem.objects.create(
                    name=data["name"],
                    item_type=data["item_type"],
                    local_code=data["basic_local_code"],
                )
            basic = self.basic_by_name[key]
        if data["parent_item"] and basic.parent_id is None:
            parent = BasicItem.objects.filter(
                name=data["parent_item"], item_type=data["item_type"]
            ).first()
            if parent is None:
                parent = BasicItem.objects.create(
                    name=data["parent_item"], item_type=data["item_type"]
                )
            if parent.pk != basic.pk:
                basic.parent = parent
                basic.save(update_fields=["parent"])
        if data["legal_bases"] and not basic.legal_bases.exists():
            LegalBasis.objects.bulk_create(
                LegalBasis(basic_item=basic, order=i, **b)
                for i, b in enumerate(data["legal_bases"])
            )
        return basic

    def common_material(self, name: str, row: dict) -> CommonMaterial:
        if name not in self.common:
            self.common[name], _created = CommonMaterial.objects.get_or_create(
                name=name,
                defaults={
                    "issuing_body": row.get("issuing_body", ""),
                    "source": row.get("source", "applicant"),
                },
            )
        return self.common[name]

    def write(self, data: dict) -> ImplementationItem:
        department = data["department"]
        if department.pk is None:
            department.save()
        basic = self.basic_item(data)
        own = {
            k: v
            for k, v in data.items()
            if k
            not in {
                "basic_code",
                "basic_local_code",
                "parent_item",
                "co_departments",
                "fees",
                "legal_bases",
                "materials",
                "responsibilities",
                "department_uscc",
                "result_sample",
                "procedure",
            }
        }
        item = ImplementationItem(
            basic_item=basic, procedure=[dict(s) for s in data["procedure"]], **own
        )
        item.save()
        if data["result_sample"] == "generate":
            item.result_sample.save(f"item-{item.pk}.svg", render_result_sample(item), save=True)
        elif data["result_sample"]:
            item.result_sample.name = data["result_sample"]
            item.save(update_fields=["result_sample"])
        if data["co_departments"]:
            item.co_departments.set(data["co_departments"])
        Fee.objects.bulk_create(Fee(item=item, **f) for f in data["fees"])
        Material.objects.bulk_create(
            Material(
                item=item,
                order=i,
                common=self.common_material(m["common"], m) if m["common"] else None,
                **{k: v for k, v in m.items() if k != "common"},
            )
            for i, m in enumerate(data["materials"])
        )
        Responsibility.objects.bulk_create(
            Responsibility(item=item, **r) for r in data["responsibilities"]
        )
        record_event(
            item,
            ItemEvent.Action.CREATE,
            "",
            effective_date=item.effective_date,
            reason="目录导入",
            actor=self.actor,
        )
        return item
