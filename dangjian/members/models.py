"""Member records (党员档案) and their dated status history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction

from dangjian.core import masking
from dangjian.core.fields import EncryptedTextField
from dangjian.members.choices import (
    ETHNICITY_CHOICES,
    Category,
    Education,
    ExitKind,
    Gender,
    MemberStatus,
    Standing,
)


class MemberQuerySet(models.QuerySet["Member"]):
    def active(self) -> MemberQuerySet:
        """Members still on the roll (no exit, not transferred out of the platform)."""
        return self.filter(exit_kind="")

    def transferred_out(self) -> MemberQuerySet:
        """Records off the roll because the 组织关系 was transferred out of the platform (已转出)."""
        return self.filter(exit_kind=ExitKind.TRANSFERRED_OUT)


class Member(models.Model):
    """One party member's record: the 16 items of the 2017 national collection plus extras (DOMAIN.md §2).

    公民身份号码, 联系电话 and 家庭住址 are encrypted at rest (SM4-GCM) and found through keyed blind indexes.
    Status fields change only through the services in ``members.services``, which keep ``StatusChange`` rows.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="所在党支部", on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        "orgs.Org",
        verbose_name="所在党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    id_number = EncryptedTextField("公民身份号码")
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNICITY_CHOICES, default="汉族")
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=30, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=30, choices=Category.choices, blank=True)
    joined_on = models.DateField("入党日期", help_text="支部大会通过接收为预备党员的日期")
    full_on = models.DateField("转正日期", null=True, blank=True)
    job_title = models.CharField("工作岗位", max_length=100, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField("家庭住址", blank=True)
    status = models.CharField(
        "党员类别", max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    standing = models.CharField("党籍状态", max_length=20, choices=Standing.choices, default=Standing.NORMAL)
    lost_contact = models.BooleanField("失联党员", default=False)
    lost_contact_on = models.DateField("失去联系日期", null=True, blank=True)
    mobile = models.BooleanField("流动党员", default=False)
    mobile_destination = models.CharField("外出流向", max_length=100, blank=True)
    party_post = models.CharField("党内职务", max_length=100, blank=True)
    dues_paid_until = models.DateField("党费交至", null=True, blank=True, help_text="所交至月份的第一天")
    exit_kind = models.CharField("出党方式", max_length=20, choices=ExitKind.choices, blank=True)
    exited_on = models.DateField("出党日期", null=True, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    scope_org_field = "org"
    scope_self_field = "user"

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = verbose_name
        ordering = ["org_id", "name", "id"]
        indexes = [
            models.Index(fields=["org", "name"]),
            models.Index(fields=["org", "status"]),
            # Counting a subtree's active members reads only this index (bench/RESULTS.md).
            models.Index(fields=["org", "exit_kind"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves the record and keeps the per-organisation count of members on the roll (``OrgHeadcount``)
        true in the same transaction when the organisation or the roll status changed."""
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            before = getattr(self, "_roll_as_loaded", None)
            after = (self.org_id, self.exit_kind)
            if before != after:
                from dangjian.members import headcount

                headcount.recount({org for org in (before[0] if before else None, self.org_id) if org})
                self._roll_as_loaded = after

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic(savepoint=False):
            org_id = self.org_id
            result = super().delete(*args, **kwargs)
            from dangjian.members import headcount

            headcount.recount({org_id})
        return result

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Member:
        instance = super().from_db(db, field_names, values)
        if "org_id" in field_names and "exit_kind" in field_names:
            instance._roll_as_loaded = (instance.org_id, instance.exit_kind)
        return instance

    @property
    def id_number_masked(self) -> str:
        return masking.mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone)

    @property
    def address_masked(self) -> str:
        return masking.mask_address(self.address)

    @property
    def is_active(self) -> bool:
        return not self.exit_kind

    @property
    def is_transferred_out(self) -> bool:
        """Off the roll because the 组织关系 was transferred out of the platform (not an exit)."""
        return self.exit_kind == ExitKind.TRANSFERRED_OUT


class OrgHeadcount(models.Model):
    """How many members are on the roll in one organisation: directly (``on_roll``) and with its whole
    subtree (``in_subtree``). Derived counts kept by ``Member.save``/``delete`` and the bulk writers (import,
    demo data, moving and merging organisations) in the writing transaction, rebuilt hourly and by
    ``manage.py members_recount``. A scope's roll is then one row per granted subtree instead of counting
    100,000 members (bench/RESULTS.md; docs/decisions/0008-kept-counts.md)."""

    org = models.OneToOneField(
        "orgs.Org",
        verbose_name="党组织",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="headcount",
    )
    on_roll = models.PositiveIntegerField("在册党员数", default=0)
    in_subtree = models.PositiveIntegerField("含下级在册党员数", default=0)

    scope_org_field = "org"

    class Meta:
        verbose_name = "组织在册人数"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.org_id}: {self.on_roll} / {self.in_subtree}"


class ChangeKind(models.TextChoices):
    CREATED = "created", "建档"
    BECAME_FULL = "became_full", "转为正式党员"
    PROBATION_EXTENDED = "probation_extended", "延长预备期"
    SUSPENDED = "suspended", "停止党籍"
    RESTORED = "restored", "恢复党籍"
    LOST_CONTACT = "lost_contact", "认定为失联党员"
    CONTACT_RESTORED = "contact_restored", "恢复联系"
    MOBILE_STARTED = "mobile_started", "登记为流动党员"
    MOBILE_ENDED = "mobile_ended", "流动结束"
    EXITED = "exited", "出党"
    PROBATION_CANCELLED = "probation_cancelled", "取消预备党员资格"
    MOVED = "moved", "组织关系变动"
    TRANSFERRED_OUT = "transferred_out", "组织关系转出"
    TRANSFERRED_BACK = "transferred_back", "组织关系转回"


class StatusChange(models.Model):
    """A dated entry in a member's status history (正式/预备, 党籍, 失联, 流动, exits, moves)."""

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.CASCADE, related_name="history")
    kind = models.CharField("变动", max_length=30, choices=ChangeKind.choices)
    effective_on = models.DateField("生效日期")
    reason = models.CharField("事由", max_length=500, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "党员状态变动"
        verbose_name_plural = verbose_name
        ordering = ["member_id", "-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.effective_on}"


class DisciplinaryProbation(models.Model):
    """A 党纪处分 of 留党察看 (党章 第四十条): from ``starts_on`` for one or two years (``ends_on`` = 期满);
    the member has no vote and cannot stand or introduce applicants until the rights are restored by a
    decision (``restored_on``). Sensitive (core.privacy): shown only to roles with ``members.view_sensitive``.
    Written only through ``members.services.member_discipline_record`` / ``member_discipline_restore``.
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.CASCADE, related_name="disciplinary_probations"
    )
    starts_on = models.DateField("处分日期", help_text="留党察看处分决定生效之日")
    ends_on = models.DateField("察看期满日期")
    decision = models.CharField("处分决定", max_length=500, help_text="决定机关、文号和事由")
    restored_on = models.DateField("恢复党员权利日期", null=True, blank=True)
    restore_decision = models.CharField("恢复党员权利决定", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_org_field = "member__org"
    scope_self_field = "member__user"

    class Meta:
        verbose_name = "留党察看"
        verbose_name_plural = verbose_name
        ordering = ["member_id", "-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} 留党察看 {self.starts_on}"

    def in_force(self, on: dt.date) -> bool:
        """Under 留党察看 on ``on``: started and the rights not yet restored (期满 alone does not
        restore them)."""
        return self.starts_on <= on and (self.restored_on is None or on < self.restored_on)
