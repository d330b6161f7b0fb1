"""`govserve rebuild-search-index`: rebuild the catalog search index from the catalog."""

import time

from django.core.management.base import BaseCommand

from govserve.catalog.search import index


class Command(BaseCommand):
    help = "重建事项检索索引（分词、拼音、首字母），导入大量事项或修改分词规则后运行"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=index.BATCH, help="每批读取的事项数")

    def handle(self, *args, batch=index.BATCH, **options):
        started = time.perf_counter()
        verbose = options.get("verbosity", 1) > 1

        def progress(done: int) -> None:
            if verbose:
                self.stdout.write(f"  {done} …")

        total = index.rebuild(batch=batch, progress=progress)
        seconds = time.perf_counter() - started
        rate = total / seconds if seconds else 0
        self.stdout.write(
            self.style.SUCCESS(f"已索引 {total} 个事项，用时 {seconds:.1f} 秒（{rate:.0f} 个/秒）")
        )
