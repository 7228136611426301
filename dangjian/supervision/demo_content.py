"""Demo content of 党风廉政监督: responsibility lists for the group committee (jituan, jijian1), the
second-level committee (erji1) and zhibu1's branch with this year's 履责记录 (one period left undone, so it
shows as overdue); a full warning scan; rectification tasks in different states (submitted with evidence
waiting for erji1, in progress at zhibu2's branch, accepted, and one overdue and escalated); the 廉政教育专栏
with two study topics (education and warning cases) assigned to the whole tree.

Runs after ``seed_demo`` has created the organisations, members and demo accounts; deterministic; no
network. Everything goes through ``supervision.services`` and ``study.services`` (audited). The escalated
task is dated back as if it had been assigned 40 days ago (its deadline passed), then the escalation job runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.access.models import Grant
from dangjian.accounts.models import User
from dangjian.orgs.models import Org
from dangjian.supervision import rules, services
from dangjian.supervision.models import Rectification, ResponsibilityItem, Warning

# (duty, holder title, title, period, evidence)
ROOT_DUTIES = [
    ("primary", "党委书记", "每季度专题研究党风廉政建设和反腐败工作", "quarter", "党委会会议纪要"),
    ("primary", "党委书记", "每半年听取纪委工作汇报并研究解决突出问题", "half", ""),
    ("primary", "党委书记", "与下级党组织主要负责人签订党风廉政建设责任书", "year", ""),
    ("supervisory", "纪委书记", "每月开展廉政提醒谈话", "month", ""),
    ("supervisory", "纪委书记", "每季度对落实中央八项规定精神开展监督检查", "quarter", "检查通报"),
]
ERJI_DUTIES = [
    ("primary", "党委书记", "每季度分析研判本单位党风廉政建设形势", "quarter", ""),
    ("supervisory", "纪委书记", "每季度开展一次作风纪律专项监督", "quarter", ""),
]
BRANCH_DUTIES = [
    ("primary", "支部书记", "落实“一岗双责”，每季度在支委会上研究党风廉政建设", "quarter", ""),
    ("supervisory", "纪检委员", "每月了解党员遵守纪律情况并向支委会报告", "month", ""),
]


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


EDUCATION = (
    "廉洁自律 从我做起",
    "学习《中国共产党廉洁自律准则》《中国共产党纪律处分条例》，筑牢拒腐防变思想防线。",
    [
        (
            "《中国共产党廉洁自律准则》要点",
            _p(
                "党员廉洁自律规范：坚持公私分明，先公后私，克己奉公；坚持崇廉拒腐，清白做人，干净做事；"
                "坚持尚俭戒奢，艰苦朴素，勤俭节约；坚持吃苦在前，享受在后，甘于奉献。",
                "党员领导干部还应当廉洁从政，自觉保持人民公仆本色；廉洁用权，自觉维护人民根本利益；"
                "廉洁修身，自觉提升思想道德境界；廉洁齐家，自觉带头树立良好家风。",
            ),
        ),
        (
            "中央八项规定精神学习提示",
            _p(
                "严格执行中央八项规定及其实施细则精神，重点防止违规收送礼品礼金、违规吃喝、"
                "违规发放津贴补贴、公车私用等问题。",
                "节假日前后是“四风”问题易发多发期，请各级党组织做好廉政提醒，党员干部严守纪律规矩。",
            ),
        ),
    ],
)
CASES = (
    "警示教育案例选编",
    "以案为鉴、以案促改：身边的典型案例（已隐去当事人信息）。",
    [
        (
            "案例一：违规收受礼品礼金",
            _p(
                "某公司中层干部利用职务便利，在物资采购中多次收受供应商所送购物卡，"
                "受到党内严重警告处分，并被调离工作岗位。",
                "警示：收受礼品礼金看似“小节”，实则是腐败的开始。党员干部要守住底线，不拿不该拿的东西。",
            ),
        ),
        (
            "案例二：公车私用",
            _p(
                "某单位负责人多次在节假日驾驶公务用车办理私事，被通报批评并退缴相关费用。",
                "警示：作风问题无小事，要从具体问题抓起，防止小错酿成大错。",
            ),
        ),
    ],
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _grant_org(username: str) -> Org | None:
    grant = Grant.objects.select_related("org").filter(user__username=username).first()
    return grant.org if grant is not None else None


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, f"{name}：会议记录及相关材料（演示）。".encode(), content_type="text/plain"
    )


def _duties(
    actor: Any, org: Org, rows: list[tuple[str, str, str, str, str]], today: dt.date, skip: int
) -> int:
    """Create the items and record every ended (and the current) period, except one ended period of the
    ``skip``-th item (shown as overdue)."""
    count = 0
    for n, (duty, holder_title, title, period, evidence) in enumerate(rows):
        item = services.responsibility_create(
            actor=actor,
            org=org,
            duty=duty,
            year=today.year,
            title=title,
            holder_title=holder_title,
            period=period,
            evidence_required=evidence,
        )
        started = [p for p in rules.periods_of(period, today.year) if p.start <= today]
        for i, p in enumerate(started):
            if n == skip and i == max(len(started) - 2, 0) and p.end < today:
                continue  # left undone: overdue
            if p.end >= today and i % 2:
                continue  # the current period not done yet
            done_on = min(p.end - dt.timedelta(days=3), today)
            services.responsibility_record(
                actor=actor,
                item=item,
                period_start=p.start,
                done_on=max(done_on, p.start),
                note=f"已按要求完成：{title}。",
                upload=_evidence(f"{p.label(period)}履责材料.txt") if evidence else None,
            )
        count += 1
    return count


def _study(jituan: User, root: Org) -> int:
    from dangjian.study import services as study

    made = 0
    for kind, (title, summary, entries) in (("education", EDUCATION), ("case", CASES)):
        topic = study.topic_create(actor=jituan, org=root, title=title, summary=summary)
        for item_title, body in entries:
            study.item_add_article(actor=jituan, topic=topic, title=item_title, body=body)
        study.assignment_add(actor=jituan, topic=topic, org=root, include_subtree=True)
        study.topic_publish(actor=jituan, topic=topic)
        services.integrity_add(actor=jituan, topic=topic, kind=kind)
        made += 1
    return made


def seed(*, seed: int) -> str:
    if ResponsibilityItem.objects.exists() or Rectification.objects.exists():
        return "党风廉政监督：已有数据，跳过"
    jituan, jijian, erji1 = _user("jituan"), _user("jijian1"), _user("erji1")
    zhibu1, zhibu2 = _user("zhibu1"), _user("zhibu2")
    root, erji = _grant_org("jituan"), _grant_org("erji1")
    branch1, branch2 = _grant_org("zhibu1"), _grant_org("zhibu2")
    if not (jituan and jijian and erji1 and zhibu1 and zhibu2 and root and erji and branch1 and branch2):
        return "党风廉政监督：未找到演示账号，跳过"
    today = timezone.localdate()
    items = _duties(jituan, root, ROOT_DUTIES, today, skip=3)
    items += _duties(erji1, erji, ERJI_DUTIES, today, skip=1)
    items += _duties(erji1, branch1, BRANCH_DUTIES, today, skip=-1)
    topics = _study(jituan, root)

    run = services.scan_run(trigger="schedule")

    def warning_of(org: Org) -> Warning | None:
        return (
            Warning.objects.filter(org=org, status="open", missing=False)
            .order_by("-severity", "rule__code", "id")
            .first()
        )

    tasks = 0
    w1, w2 = warning_of(branch1), warning_of(branch2)
    if w1 is not None:  # submitted with evidence, waiting for erji1's acceptance
        t = services.warning_to_task(
            actor=erji1,
            warning=w1,
            deadline=today + dt.timedelta(days=20),
            evidence_required="补开会议的记录",
        )
        services.rectification_report(actor=zhibu1, task=t, note="已制定补开计划，本周召开。")
        services.rectification_report(
            actor=zhibu1,
            task=t,
            note="已补开并上传会议记录，请审核。",
            upload=_evidence("补开会议记录.txt"),
            submit=True,
        )
        tasks += 1
    if w2 is not None:  # in progress at zhibu2's branch
        t = services.warning_to_task(
            actor=erji1,
            warning=w2,
            deadline=today + dt.timedelta(days=30),
            evidence_required="整改情况说明",
        )
        services.rectification_report(actor=zhibu2, task=t, note="支委会已研究整改措施，正在落实。")
        tasks += 1
    # An inspection finding at zhibu1's branch, rectified and accepted.
    t = services.rectification_create(
        actor=jijian,
        org=branch1,
        title="党员活动室廉政文化阵地建设不到位",
        description="监督检查发现：支部党员活动室未按要求设置廉政教育宣传栏。",
        deadline=today + dt.timedelta(days=10),
        evidence_required="整改后现场照片或说明",
        source_kind="inspection",
        source_ref="集团纪委检查通报〔演示〕1号",
    )
    services.rectification_report(
        actor=zhibu1, task=t, note="已设置廉政教育宣传栏。", upload=_evidence("整改说明.txt"), submit=True
    )
    services.rectification_check(actor=erji1, task=t, accept=True, note="经现场核实，予以销号。")
    tasks += 1
    # An inspection finding at zhibu2's branch that was not rectified in time: escalated above erji.
    t = services.rectification_create(
        actor=erji1,
        org=branch2,
        title="党费收缴台账不规范",
        description="检查发现：党费收缴台账未按月登记、缺少党员签字。",
        deadline=today + dt.timedelta(days=1),
        evidence_required="规范后的党费台账",
        source_kind="inspection",
        source_ref="二级党委检查〔演示〕3号",
    )
    Rectification.objects.filter(pk=t.pk).update(
        deadline=today - dt.timedelta(days=10), created_at=timezone.now() - dt.timedelta(days=40)
    )
    escalated = services.rectification_escalate_overdue(today=today)
    tasks += 1
    return (
        f"党风廉政监督：责任事项 {items} 项，预警扫描新增 {run.opened} 条，督办任务 {tasks} 项"
        f"（升级 {escalated} 项），廉政教育专题 {topics} 个"
    )
