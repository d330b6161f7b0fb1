"""Every write to regions, departments and halls, one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .codes import PLACEHOLDER_NAMES
from .models import PREFIX_LENGTH, Department, Region, RegionLevel, ServiceHall, ServiceWindow

MAX_REPORTED_ERRORS = 20
BATCH_SIZE = 2000


@dataclass(frozen=True)
class DivisionRow:
    """One division as a source gives it; `line` says where it came from, for error messages."""

    code: str
    name: str
    level: int
    parent_code: str | None
    line: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class RegionImportError(Exception):
    """The rows do not form a valid tree; nothing was written.
    `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        text = "\n".join(shown)
        if more:
            text += "\n" + _("……另有 %(n)d 处错误") % {"n": more}
        super().__init__(text)


def prefix_for(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[level]]


def compose_full_name(parent_base: str, name: str) -> str:
    return f"{parent_base}{name}"


def _base_for_children(full_name: str, name: str) -> str:
    """What a child's full name starts with: the parent's, without a placeholder like 市辖区."""
    if name in PLACEHOLDER_NAMES and full_name.endswith(name):
        return full_name[: -len(name)]
    return full_name


def region_full_name(parent: Region | None, name: str) -> str:
    """全称 of a new region under `parent` (四川省广安市广安区; 上海市静安区 under 市辖区)."""
    if parent is None:
        return name
    return compose_full_name(_base_for_children(parent.full_name or parent.name, parent.name), name)


@dataclass
class _Existing:
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    prefix: str
    full_name: str


def _check_rows(rows: list[DivisionRow], existing: dict[str, _Existing]) -> list[str]:
    """Every problem in the rows, checked against themselves and the regions already stored."""
    errors: list[str] = []
    by_code: dict[str, DivisionRow] = {}
    levels = {int(v) for v in RegionLevel.values}
    for row in rows:
        where = f"{row.line}：" if row.line else ""
        code = row.code
        if len(code) != 12 or not code.isdigit():
            errors.append(where + _("区划代码“%(code)s”应为12位数字") % {"code": code})
            continue
        if row.level not in levels:
            errors.append(
                where
                + _("“%(code)s”的层级“%(level)s”无效，应为1至5")
                % {"code": code, "level": row.level}
            )
            continue
        if code[PREFIX_LENGTH[row.level] :].strip("0"):
            errors.append(
                where
                + _("区划代码“%(code)s”与层级%(level)d不符：第%(start)d位起应全为0")
                % {"code": code, "level": row.level, "start": PREFIX_LENGTH[row.level] + 1}
            )
            continue
        if not row.name.strip():
            errors.append(where + _("“%(code)s”缺少名称") % {"code": code})
            continue
        if code in by_code:
            errors.append(where + _("区划代码“%(code)s”重复") % {"code": code})
            continue
        by_code[code] = row

    for row in by_code.values():
        where = f"{row.line}：" if row.line else ""
        if row.level == RegionLevel.PROVINCE:
            if row.parent_code:
                errors.append(where + _("省级区划“%(code)s”不应有上级区划") % {"code": row.code})
            continue
        if not row.parent_code:
            errors.append(where + _("“%(code)s”缺少上级区划代码") % {"code": row.code})
            continue
        parent = by_code.get(row.parent_code)
        if parent is not None:
            p_level, p_code = parent.level, parent.code
        elif row.parent_code in existing:
            p_level, p_code = existing[row.parent_code].level, row.parent_code
        else:
            errors.append(
                where
                + _("“%(code)s”的上级区划代码“%(parent)s”不存在")
                % {"code": row.code, "parent": row.parent_code}
            )
            continue
        if p_level >= row.level:
            errors.append(
                where
                + _(
                    "“%(code)s”（层级%(level)d）的上级区划“%(parent)s”层级%(plevel)d，上级层级必须高于本级"
                )
                % {"code": row.code, "level": row.level, "parent": p_code, "plevel": p_level}
            )
        elif not row.code.startswith(prefix_for(p_code, p_level)):
            errors.append(
                where
                + _("区划代码“%(code)s”必须以上级区划“%(parent)s”的代码前缀“%(prefix)s”开头")
                % {"code": row.code, "parent": p_code, "prefix": prefix_for(p_code, p_level)}
            )
    return errors


def import_division_rows(
    rows: Iterable[DivisionRow], *, progress: Callable[[int], object] | None = None
) -> ImportResult:
    """Create or update regions from `rows`, parents before children, in one transaction.

    Rows are checked first, all of them; if any is wrong a RegionImportError lists every
    problem and nothing is written. Existing regions (matched by code) get the new name,
    level and parent; regions missing from the rows are kept (they may be referenced).
    An existing region that already hangs under an intermediate level below the row's
    parent (静安区 under 上海市市辖区 while the row says 上海市) keeps that intermediate level.
    Prefix and full name are computed here, since bulk_create bypasses Region.save.
    """
    rows = list(rows)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            r.code: r
            for r in (
                _Existing(*values)
                for values in Region.objects.values_list(
                    "id", "code", "name", "level", "parent_id", "prefix", "full_name"
                )
            )
        }
        errors = _check_rows(rows, existing)
        if errors:
            raise RegionImportError(errors)
        rows.sort(key=lambda r: (r.level, r.code))

        # code -> (id, level, prefix, base for children's full names)
        known: dict[str, tuple[int, int, str, str]] = {
            e.code: (e.id, e.level, e.prefix, _base_for_children(e.full_name or e.name, e.name))
            for e in existing.values()
        }
        by_id = {e.id: e.code for e in existing.values()}
        renamed: list[Region] = []  # existing regions whose full name changed
        for level in sorted({r.level for r in rows}):
            level_rows = [r for r in rows if r.level == level]
            to_create: list[Region] = []
            to_update: list[Region] = []
            for row in level_rows:
                parent_code = row.parent_code or None
                old = existing.get(row.code)
                if parent_code and old is not None and old.parent_id in by_id:
                    # Keep a deeper intermediate parent the row's parent is an ancestor of.
                    current = by_id[old.parent_id]
                    _cid, c_level, c_prefix, _cbase = known[current]
                    _pid, p_level, p_prefix, _pbase = known[parent_code]
                    if (
                        p_level < c_level < level
                        and c_prefix.startswith(p_prefix)
                        and row.code.startswith(c_prefix)
                    ):
                        parent_code = current
                if parent_code:
                    parent_id, _plevel, _pprefix, base = known[parent_code]
                else:
                    parent_id, base = None, ""
                name = row.name.strip()
                full_name = compose_full_name(base, name)
                prefix = prefix_for(row.code, level)
                values = {
                    "name": name,
                    "level": level,
                    "parent_id": parent_id,
                    "prefix": prefix,
                    "full_name": full_name,
                }
                if old is None:
                    to_create.append(Region(code=row.code, **values))
                else:
                    if any(getattr(old, k) != v for k, v in values.items()):
                        to_update.append(Region(id=old.id, code=row.code, **values))
                    else:
                        result.unchanged += 1
                    known[row.code] = (old.id, level, prefix, _base_for_children(full_name, name))

            for start in range(0, len(to_create), BATCH_SIZE):
                batch = to_create[start : start + BATCH_SIZE]
                Region.objects.bulk_create(batch)
                if progress:
                    progress(len(batch))
            if any(r.pk is None for r in to_create):  # a backend that does not return ids
                ids = dict(
                    Region.objects.filter(code__in=[r.code for r in to_create]).values_list(
                        "code", "id"
                    )
                )
                for r in to_create:
                    r.pk = ids[r.code]
            for r in to_create:
                known[r.code] = (r.pk, level, r.prefix, _base_for_children(r.full_name, r.name))
                by_id[r.pk] = r.code
            result.created += len(to_create)

            for start in range(0, len(to_update), BATCH_SIZE):
                batch = to_update[start : start + BATCH_SIZE]
                Region.objects.bulk_update(
                    batch, ["name", "level", "parent", "prefix", "full_name"], batch_size=500
                )
                if progress:
                    progress(len(batch))
            result.updated += len(to_update)
            renamed.extend(r for r in to_update if existing[r.code].full_name != r.full_name)
            if progress:
                progress(len(level_rows) - len(to_create) - len(to_update))
        if renamed:
            result.updated += _refresh_full_names_below(renamed, {r.code for r in rows}, known)
    return result


def _refresh_full_names_below(
    renamed: list[Region], imported: set[str], known: dict[str, tuple[int, int, str, str]]
) -> int:
    """Full names of regions the rows did not mention, under regions whose full name changed.

    (Villages from a CSV under a township the wheel renames.) Returns how many changed.
    """
    prefixes = tuple(r.prefix for r in renamed)
    top = min(r.level for r in renamed)
    code_by_id = {v[0]: code for code, v in known.items()}
    stale: list[Region] = []
    below = Region.objects.filter(level__gt=top).order_by("level", "code")
    for pk, code, name, level, parent_id, full_name in below.values_list(
        "id", "code", "name", "level", "parent_id", "full_name"
    ):
        if code in imported or not code.startswith(prefixes) or parent_id not in code_by_id:
            continue
        new_full_name = compose_full_name(known[code_by_id[parent_id]][3], name)
        known[code] = (pk, level, known[code][2], _base_for_children(new_full_name, name))
        if new_full_name != full_name:
            stale.append(Region(id=pk, full_name=new_full_name))
    Region.objects.bulk_update(stale, ["full_name"], batch_size=500)
    return len(stale)


# Departments and halls -------------------------------------------------------------------------


def save_hall(hall: ServiceHall, windows: list[dict] | None = None) -> ServiceHall:
    """Save a hall and, when `windows` is given, make its windows exactly those
    (matched by number)."""
    with transaction.atomic():
        hall.full_clean()
        hall.save()
        if windows is not None:
            current = {w.number: w for w in hall.windows.all()}
            keep = set()
            for data in windows:
                data = dict(data)
                departments = data.pop("departments", None)
                window = current.get(data["number"]) or ServiceWindow(hall=hall)
                for key, value in data.items():
                    setattr(window, key, value)
                window.full_clean()
                window.save()
                if departments is not None:
                    window.departments.set(departments)
                keep.add(window.number)
            hall.windows.exclude(number__in=keep).delete()
    return hall


def save_department(department: Department) -> Department:
    """Save a department after full validation (USCC check characters, unique name in region)."""
    with transaction.atomic():
        department.full_clean()
        department.save()
    return department
