"""The party-organisation tree (党组织) and the positions held in it (职务)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from treebeard.mp_tree import MP_Node

from dangjian.orgs import rules


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "基层党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    TEMPORARY_COMMITTEE = "temporary_committee", "临时党委"
    TEMPORARY_GENERAL_BRANCH = "temporary_general_branch", "临时党总支"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    GROUP = "group", "党小组"


class UnitSituation(models.TextChoices):
    SAME_AS_PARENT = "same_as_parent", "与上级党组织相同"
    LEGAL_ENTITY = "legal_entity", "法人单位"
    JOINT = "joint", "联合党支部"


class Org(MP_Node):
    """A party organisation. The materialized ``path`` makes a subtree one indexed prefix query.

    Fields are the 2017 national collection's 10 organisation items (DOMAIN.md §1) plus the date of the
    last election, from which the 换届 due date is computed (任期意见). Merged organisations stay as
    inactive rows so history and audit keep pointing somewhere.
    """

    steplen = 4
    node_order_by: list[str] = []

    name = models.CharField("党组织名称", max_length=100, help_text="全称，如“中共××公司第一党支部委员会”")
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("组织类别", max_length=32, choices=OrgKind.choices)
    has_committee = models.BooleanField("设支委会", default=False)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    unit_situation = models.CharField(
        "所在单位情况", max_length=20, choices=UnitSituation.choices, default=UnitSituation.SAME_AS_PARENT
    )
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    unit_category = models.CharField("单位类别", max_length=50, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    unit_org_status = models.CharField("单位建立党组织情况", max_length=50, blank=True)
    elected_on = models.DateField("本届选举日期", null=True, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_org_field = ""  # the organisation itself

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_branch_like(self) -> bool:
        return self.kind in rules.BRANCH_KINDS

    @property
    def term_years(self) -> int | None:
        return rules.term_years(self.kind)

    @property
    def election_due(self) -> dt.date | None:
        return rules.election_due(self.kind, self.elected_on)


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANISATION_MEMBER = "organisation_member", "组织委员"
    PROPAGANDA_MEMBER = "propaganda_member", "宣传委员"
    DISCIPLINE_MEMBER = "discipline_member", "纪检委员"
    COMMITTEE_MEMBER = "committee_member", "委员"
    GROUP_LEADER = "group_leader", "党小组组长"


class Position(models.Model):
    """A member holding a position (职务) in an organisation, from ``started_on`` until ``ended_on``."""

    org = models.ForeignKey(Org, verbose_name="党组织", on_delete=models.PROTECT, related_name="positions")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField("职务", max_length=32, choices=PositionTitle.choices)
    duties = models.CharField("分工", max_length=200, blank=True)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    scope_org_field = "org"

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = verbose_name
        ordering = ["org_id", "title", "started_on"]
        indexes = [models.Index(fields=["org", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.org} {self.get_title_display()} {self.member}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
