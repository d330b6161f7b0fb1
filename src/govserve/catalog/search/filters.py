"""Search filters (筛选) as SQL over the index entries: region subtree, body, level, type…"""

from __future__ import annotations

from dataclasses import dataclass

from govserve.catalog.models import ItemState
from govserve.regions.models import PREFIX_LENGTH, Department, Region


class FilterError(ValueError):
    """A filter value that names nothing (unknown region code…); `field` says which."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _upper(prefix: str) -> str | None:
    """The smallest digit string above every code starting with `prefix`; None after 99…9.

    Digits only, so the range means the same under any collation.
    """
    above = str(int(prefix) + 1).zfill(len(prefix))
    return above if len(above) == len(prefix) else None


def region_prefix(region: Region | str | None) -> str:
    """Code prefix of a region's subtree; a code may be given as 12 or 6 digits."""
    if region is None or region == "":
        return ""
    if isinstance(region, Region):
        return region.prefix
    code = str(region).strip()
    if len(code) == 6 and code.isdigit():
        code += "000000"
    found = Region.objects.filter(code=code).values_list("code", "level").first()
    if found is None:
        from django.utils.translation import gettext as _

        raise FilterError("region", _("未知的区划代码：%(code)s") % {"code": region})
    return found[0][: PREFIX_LENGTH[found[1]]]


@dataclass(frozen=True)
class EntryFilter:
    """Conditions on `catalog_search_entry` rows; the public sees published items only."""

    region_prefix: str = ""
    department_id: int | None = None
    level: int | None = None
    item_type: str | None = None
    service_object: str | None = None
    fully_online: bool | None = None
    state: str = ItemState.PUBLISHED

    @classmethod
    def build(
        cls,
        *,
        region=None,
        department=None,
        level=None,
        item_type=None,
        service_object=None,
        fully_online=None,
    ) -> EntryFilter:
        dept = department.pk if isinstance(department, Department) else department
        return cls(
            region_prefix=region_prefix(region),
            department_id=int(dept) if dept not in (None, "") else None,
            level=int(level) if level not in (None, "") else None,
            item_type=str(item_type) if item_type else None,
            service_object=str(service_object) if service_object else None,
            fully_online=fully_online,
        )

    @property
    def narrowing(self) -> bool:
        """More than the state: the entries, not the documents, should drive the search."""
        return bool(self.region_prefix or self.department_id is not None)

    def sql(self, alias: str = "e") -> tuple[str, list]:
        """WHERE conditions (joined by AND) and their parameters."""
        parts = [f"{alias}.state = %s"]
        params: list[object] = [self.state]
        if self.region_prefix:
            # a range, not LIKE: an index range scan under any collation
            parts.append(f"{alias}.region_code >= %s")
            params.append(self.region_prefix)
            upper = _upper(self.region_prefix)
            if upper is not None:
                parts.append(f"{alias}.region_code < %s")
                params.append(upper)
        if self.department_id is not None:
            parts.append(f"{alias}.department_id = %s")
            params.append(self.department_id)
        if self.level is not None:
            parts.append(f"{alias}.exercise_level = %s")
            params.append(self.level)
        if self.item_type:
            parts.append(f"{alias}.item_type = %s")
            params.append(self.item_type)
        if self.service_object:
            parts.append(f"{alias}.service_objects LIKE %s")
            params.append(f"%,{self.service_object},%")
        if self.fully_online is not None:
            parts.append(f"{alias}.fully_online = %s")
            params.append(bool(self.fully_online))
        return " AND ".join(parts), params
