"""Signal receivers: keep the index and the dictionary cache in step with the catalog.

- ImplementationItem saved → re-indexed in the same transaction (the services also call
  `index.update_items`; this covers admin forms, factories and other direct saves).
  Deleting an item deletes its entry by cascade.
- Department renamed → its items re-indexed (the department's name is searchable; other
  department edits are recognised and cost one query).
- SearchSynonym saved or deleted → the dictionary cache is dropped.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from govserve.catalog.models import ImplementationItem, SearchSynonym
from govserve.regions.models import Department

from . import index, synonyms
from .documents import DepartmentLabels
from .models import SearchEntry


def item_saved(sender, instance: ImplementationItem, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: related rows may not exist yet; run rebuild-search-index after
        return
    index.update_items([instance.pk])


def department_saved(
    sender, instance: Department, created: bool = False, raw: bool = False, **kwargs
) -> None:
    if created or raw:  # a new department has no items yet
        return
    indexed = (
        SearchEntry.objects.filter(department_id=instance.pk)
        .values_list("document__department", flat=True)
        .first()
    )
    if indexed is None or indexed == DepartmentLabels().get([instance.pk])[instance.pk]:
        return  # no items, or a change search does not see (phone, address…)
    index.update_items(
        ImplementationItem.objects.filter(department_id=instance.pk).values_list("id", flat=True)
    )


def connect() -> None:
    post_save.connect(
        item_saved, sender=ImplementationItem, dispatch_uid="catalog_search_item_saved"
    )
    post_save.connect(
        department_saved, sender=Department, dispatch_uid="catalog_search_department_saved"
    )
    post_save.connect(
        synonyms.invalidate, sender=SearchSynonym, dispatch_uid="catalog_search_synonym_saved"
    )
    post_delete.connect(
        synonyms.invalidate, sender=SearchSynonym, dispatch_uid="catalog_search_synonym_deleted"
    )
