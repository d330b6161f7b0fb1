"""What an application needs: required materials, those supplied without asking, what is missing."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from govserve.catalog.models import ImplementationItem, Material, MaterialSource
from govserve.catalog.selectors import bundle_items
from govserve.core import hooks

from .models import Case, MaterialStatus

# Materials the government issues or shares are not asked of the applicant (once only) —
# except licences, see `provided_without_asking`.
GOVERNMENT_SOURCES = {MaterialSource.GOVERNMENT_ISSUED, MaterialSource.SHARED_DATA}


def case_items(case: Case) -> list[ImplementationItem]:
    if case.bundle is not None:
        return bundle_items(case.bundle)
    return [case.item]


def licence_type_code(material: Material) -> str:
    """The licence type a material is (电子证照类型代码 of its standard material), or ""."""
    return (material.common.licence_type_code or "").strip() if material.common is not None else ""


def licences_issued_within(items: Iterable[ImplementationItem]) -> dict[str, set[int]]:
    """Licence type code → ids of the items among `items` whose result it is (through the
    GOVSERVE["LICENCE_RESULTS"] hook). Only a bundle can issue what one of its own items asks."""
    items = list(items)
    hook = hooks.resolve("LICENCE_RESULTS") if len(items) > 1 else None
    return hook(items) if hook else {}


def provided_without_asking(material: Material, issued_within: dict[str, set[int]]) -> bool:
    """Not asked of the applicant: a licence another item of the same application issues (开办
    一件事 asks no 营业执照 it issues itself), or — for materials that are not licences — what
    the government issues or shares. A licence material is otherwise asked (the holder's
    licence may supply it, see `held_licences`), so an expired one never silently stands in."""
    code = licence_type_code(material)
    if code:
        return bool(issued_within.get(code, set()) - {material.item_id})
    return material.source in GOVERNMENT_SOURCES


def required_materials(items: Iterable[ImplementationItem]) -> list[tuple[str, Material]]:
    """(merge key, first Material) for every material the applicant must give, each key once.
    A material whose source is a licence type is listed (the holder's licence may supply it)."""
    items = list(items)
    issued_within = licences_issued_within(items)
    seen: dict[str, Material] = {}
    for item in items:
        # A bundle's items come with their materials (and standard materials) prefetched.
        prefetched = getattr(item, "_prefetched_objects_cache", {}).get("materials")
        materials = (
            item.materials.all()
            if prefetched is not None
            else item.materials.select_related("common")
        )
        for material in materials:
            if material.required and not provided_without_asking(material, issued_within):
                seen.setdefault(material.merge_key, material)
    return list(seen.items())


def held_licences(case: Case, materials: Iterable[Material]) -> tuple[dict, dict[str, str]]:
    """免提交: which of `materials` a usable licence of the case's holder supplies.

    Returns (merge key → (material, licence), merge key → note saying why a licence the holder
    has cannot be used). Asked through the GOVSERVE["HELD_LICENCES"] hook (this app never
    imports licences); `case` may be unsaved (the apply page asks before the case exists).
    """
    candidates = [m for m in materials if licence_type_code(m)]
    hook = hooks.resolve("HELD_LICENCES") if candidates else None
    if hook is None:
        return {}, {}
    found = hook(case, candidates)
    return {m.merge_key: (m, lic) for m, lic in found}, dict(getattr(found, "notes", {}))


def _given_keys(case: Case) -> set[str]:
    return {
        cm.material.merge_key
        for cm in case.materials.select_related("material", "material__common")
        if cm.material is not None and cm.status != MaterialStatus.REPLACED
    }


def _missing(
    case: Case, items: list[ImplementationItem]
) -> tuple[list[Material], dict[str, str], list[Material]]:
    """Required materials not given and not supplied by a held licence; notes on licences the
    holder has that cannot be used (merge key → note); the materials a held licence supplies."""
    given = _given_keys(case)
    missing = [m for key, m in required_materials(items) if key not in given]
    held, notes = held_licences(case, missing)
    return (
        [m for m in missing if m.merge_key not in held],
        notes,
        [material for material, _licence in held.values()],
    )


def missing_materials(case: Case, items: list[ImplementationItem] | None = None) -> list[Material]:
    """Required materials not yet given; pass `items` when the caller has already read them."""
    return _missing(case, case_items(case) if items is None else items)[0]


def _missing_messages(missing: list[Material], notes: dict[str, str]) -> list[str]:
    """One line per missing material; a licence the holder has but cannot use says why."""
    return [
        _("缺少必需材料：%(name)s") % {"name": m.name}
        + (f"（{notes[m.merge_key]}）" if m.merge_key in notes else "")
        for m in missing
    ]
