"""`govserve load_demo`: regions, bodies, halls, items, bundles, lists and demo accounts.

It lives with the portal, the top layer, because it puts together every app's demo data.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govserve.accounts import demo as accounts_demo
from govserve.cases import demo as cases_demo
from govserve.catalog import demo
from govserve.licences import demo as licences_demo
from govserve.signing.keystore import (
    ENV_VAR,
    KEK_COMMAND,
    EnvironmentKeyStore,
    KeyStoreError,
    key_store,
)
from govserve.supervision import demo as supervision_demo
from govserve.supervision.escalation import demo as escalation_demo
from govserve.supervision.ratings import demo as ratings_demo
from govserve.supervision.stats import demo as stats_demo
from govserve.supervision.tickets import demo as tickets_demo


class Command(BaseCommand):
    help = "加载演示数据（四川省—广安市—广安区）及公开事项清单；已加载时跳过"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-real-items", action="store_true", help="不导入 shared/data/real-items.jsonl"
        )

    def handle(self, *args, no_real_items=False, **options):
        self._check_key_store()
        if demo.is_loaded():
            self.stdout.write("演示数据已加载，跳过")
            self._accounts()
            return
        for province in demo.DEMO_PROVINCES + ([] if no_real_items else demo.REAL_ITEM_PROVINCES):
            call_command("import_regions", province=province, verbosity=0)
        try:
            depts, halls = demo.load_organisations()
            report = demo.load_items()
            bundles, entries, synonyms = demo.load_bundles_and_lists()
            changed = demo.record_reform_history()
            real = None if no_real_items else demo.load_real_items()
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"部门 {depts} 个，大厅 {halls} 个，事项 {report.created} 个，一件事 {bundles} 个，"
                f"负面清单 {entries} 条，检索词 {synonyms} 条，改革记录 {changed} 条"
                + (f"，公开清单事项 {real.created} 个" if real else "")
            )
        )
        self._accounts()

    def _check_key_store(self) -> None:
        """The demo cases and licence are signed: without a usable key-encryption key the load
        would stop half-way (with DEBUG on, settings make a development key; with it off the
        operator sets one). Say so before anything is written, with the command to make one."""
        store = key_store()
        if not isinstance(store, EnvironmentKeyStore):
            return  # another key store (an HSM) answers for itself
        try:
            store.check()
        except KeyStoreError as exc:
            raise CommandError(
                _(
                    "演示数据包含签名的文书和电子证照，需要密钥加密密钥：%(problem)s。"
                    "生成一个并设置后重新运行：\n    export %(name)s=$(%(command)s)"
                )
                % {"problem": exc, "name": ENV_VAR, "command": KEK_COMMAND}
            ) from exc

    def _accounts(self):
        admin = demo.ensure_admin()
        for login, what in accounts_demo.ensure_demo_accounts(admin):
            self.stdout.write(f"演示账户 {login}：{what}")
        self.stdout.write("管理后台：/admin/  用户名 admin  密码 govserve-demo")
        self.stdout.write(
            f"演示岗位与群众账户密码：{accounts_demo.DEMO_PASSWORD}（登录：/accounts/login/）"
        )
        types = licences_demo.ensure_licence_types()
        if types:
            self.stdout.write(f"电子证照类型 {types} 个")
        fields = cases_demo.ensure_form_fields()
        if fields:
            self.stdout.write(f"申请表字段 {fields} 个")
        for case in cases_demo.ensure_demo_cases():
            self.stdout.write(f"演示办件 {case}")
        licence = licences_demo.ensure_demo_licence()
        if licence:
            self.stdout.write(f"演示电子证照 {licence}（群众账户 13800000001 持有）")
        # Supervision: workbench cases, months of history, ratings, tickets, 督办, statistics.
        for load in (
            supervision_demo.load,
            stats_demo.load_history,
            ratings_demo.load,
            tickets_demo.load,
            escalation_demo.load,
            stats_demo.refresh,
        ):
            for line in load():
                self.stdout.write(line)
