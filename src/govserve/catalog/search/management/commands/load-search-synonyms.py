"""`govserve load-search-synonyms`: copy the built-in dictionary into SearchSynonym rows.

Existing rows are left as they are (administrators may have changed them); only terms the
database does not have yet are added, so administrators see and edit every entry.
"""

from django.core.management.base import BaseCommand

from govserve.catalog.models import SearchSynonym
from govserve.catalog.search import synonyms


class Command(BaseCommand):
    help = "把内置检索词典（同义词、生活事件、简称、常见错别字）写入数据库，已有词条不覆盖"

    def handle(self, *args, **options):
        existing = set(SearchSynonym.objects.values_list("term", flat=True))
        rows = [
            SearchSynonym(term=term, expansions=" ".join(expansions), kind=kind)
            for term, kind, expansions in synonyms.load_defaults()
            if term not in existing
        ]
        SearchSynonym.objects.bulk_create(rows)
        synonyms.invalidate()  # bulk_create sends no signals
        self.stdout.write(
            self.style.SUCCESS(f"新增检索词 {len(rows)} 条，已有 {len(existing)} 条未改动")
        )
