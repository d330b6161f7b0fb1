"""The search index (检索索引): distinct documents, and one entry per implementation item.

A national catalog is the same few thousand item names implemented in every county: the
1,500 items of one county are, by name, mostly the 1,500 items of the next. So the text
index is built over *distinct documents* (name + keywords + the department's name without
its region) and each implementation item points at its document through an entry that
also carries the item's filter columns. Ranking then costs what the vocabulary costs, not
what the number of counties costs, and a filter is an indexed probe on the entries.

Backend-specific parts (created by the migrations, unknown to the ORM):
- SQLite: FTS5 table `catalog_search_fts` over the document columns (rowid = document id),
  kept in step by triggers.
- PostgreSQL: generated `tsv` column (words A, extra B, grams C, pinyin/initials D) with a
  GIN index, and pg_trgm GIN indexes on `name` and `spell` for near-match suggestions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from govserve.catalog.models import ImplementationItem


class SearchDocument(models.Model):
    """One distinct searchable text; many items (one per county) usually share it."""

    key = models.CharField(
        _("内容摘要"), max_length=32, unique=True, help_text=_("名称、关键词、部门的 MD5")
    )
    name = models.CharField(_("事项名称"), max_length=300)
    norm = models.CharField(_("规范化名称"), max_length=300, db_index=True)
    keywords = models.CharField(_("检索关键词"), max_length=300, blank=True)
    department = models.CharField(_("部门（去区划名）"), max_length=200, blank=True)
    words = models.TextField(_("名称分词"))
    extra = models.TextField(_("关键词与部门分词"), blank=True)
    grams = models.TextField(_("名称单字与双字"))
    pinyin = models.TextField(_("拼音"), blank=True)
    initials = models.TextField(_("拼音首字母"), blank=True)
    spell = models.TextField(_("全名拼音与首字母"), blank=True)

    class Meta:
        db_table = "catalog_search_document"
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")

    def __str__(self) -> str:
        return self.name


class SearchEntry(models.Model):
    """One implementation item in the index: its document and the columns search filters on."""

    item = models.OneToOneField(
        ImplementationItem,
        verbose_name=_("事项"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    document = models.ForeignKey(
        SearchDocument, verbose_name=_("检索文档"), on_delete=models.CASCADE, related_name="entries"
    )
    state = models.CharField(_("状态"), max_length=12)
    region_code = models.CharField(_("区划代码"), max_length=12)
    # A plain id, not a foreign key: the index follows the catalog, it never holds it back.
    department_id = models.BigIntegerField(_("实施主体"))
    exercise_level = models.PositiveSmallIntegerField(_("行使层级"))
    item_type = models.CharField(_("事项类型"), max_length=2)
    service_objects = models.CharField(_("服务对象"), max_length=60, blank=True)
    fully_online = models.BooleanField(_("全程网办"), default=False)

    class Meta:
        db_table = "catalog_search_entry"
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        indexes = [
            # document → its published items in a region subtree: the probe every search makes
            models.Index(
                fields=["document", "state", "region_code"], name="catalog_search_doc_state_reg"
            ),
            # region-first: documents present in one county (selective region filters)
            models.Index(fields=["region_code", "state"], name="catalog_search_region_state"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.document_id}"
