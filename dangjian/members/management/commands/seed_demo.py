"""``manage.py seed_demo``: fill an empty database with a realistic demo enterprise (see members/demo)."""

from __future__ import annotations

import importlib
import importlib.util
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dangjian.accounts.models import User
from dangjian.members import demo
from dangjian.orgs.models import Org, OrgKind


class Command(BaseCommand):
    help = "生成演示数据：集团党委、二级党委、党总支、党支部、党小组、党员和演示账号（仅限空库、演示模式）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members",
            type=int,
            default=demo.DEFAULT_MEMBERS,
            help=f"党员人数（默认 {demo.DEFAULT_MEMBERS}，不少于 {demo.MIN_MEMBERS}）",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="随机种子：相同种子生成相同数据"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="已有党组织时不做任何事（供 make run 每次调用）"
        )
        parser.add_argument("--force", action="store_true", help="非演示模式（DEMO_MODE 未开启）下也执行")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError("未开启演示模式（DEMO_MODE=1），拒绝生成演示数据；确需生成请加 --force。")
        existing = Org.objects.count()
        if existing:
            if options["if_empty"]:
                self.stdout.write(f"已有 {existing} 个党组织，跳过演示数据生成。")
                return
            raise CommandError(
                f"数据库中已有 {existing} 个党组织；演示数据只能写入空库（或加 --if-empty 跳过）。"
            )
        taken = sorted(User.objects.filter(username__in=demo.USERNAMES).values_list("username", flat=True))
        if taken:
            raise CommandError(f"演示账号已存在：{'、'.join(taken)}；请先清理后再生成。")
        if options["members"] < demo.MIN_MEMBERS:
            raise CommandError(f"党员人数不少于 {demo.MIN_MEMBERS}。")
        started = time.monotonic()
        with tqdm(
            total=options["members"],
            desc="生成党员",
            unit="人",
            disable=options["verbosity"] == 0,
            mininterval=0.5,
            dynamic_ncols=True,
        ) as bar:
            result = demo.seed(members=options["members"], seed=options["seed"], progress=bar.update)
        extra = self.seed_apps(seed=options["seed"])
        if options["verbosity"]:
            self.summary(result, time.monotonic() - started)
            for line in extra:
                self.stdout.write(f"  {line}")

    def seed_apps(self, *, seed: int) -> list[str]:
        """Demo content of the other apps: each ``dangjian.<app>.demo_content.seed(seed=...)`` runs after the
        organisations, members and accounts exist and returns a line for the summary."""
        lines = []
        for app in settings.INSTALLED_APPS:
            if app.startswith("dangjian.") and importlib.util.find_spec(f"{app}.demo_content") is not None:
                lines.append(importlib.import_module(f"{app}.demo_content").seed(seed=seed))
        return lines

    def summary(self, result: demo.SeedResult, seconds: float) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"演示数据已生成（用时 {seconds:.1f} 秒）。"))
        out.write("\n党组织")
        for kind in OrgKind:
            if result.orgs_by_kind[kind]:
                out.write(f"  {kind.label:<8}{result.orgs_by_kind[kind]:>8}")
        out.write(f"  {'合计':<8}{sum(result.orgs_by_kind.values()):>8}")
        out.write("\n党员")
        for label, value in (
            ("党员", result.members),
            ("正式党员", result.members - result.probationary),
            ("预备党员", result.probationary),
            ("流动党员", result.mobile),
            ("失联党员", result.lost_contact),
            ("停止党籍", result.suspended),
            ("在任职务", result.positions),
        ):
            out.write(f"  {label:<8}{value:>8}")
        password = (
            settings.DEMO_PASSWORD if result.password_set else "（未设置 DEMO_PASSWORD，不能用密码登录）"
        )
        out.write(f"\n演示账号（密码：{password}）")
        out.write(f"  {'账号':<12}{'角色':<10}{'范围':<22}关联党员")
        for account in result.accounts:
            role = demo.role_label(account.role)
            out.write(f"  {account.username:<12}{role:<10}{account.where:<22}{account.member_name}")
