"""Code lists of the 2017 national member collection (DOMAIN.md §2)."""

from __future__ import annotations

from django.db import models


class Gender(models.TextChoices):  # GB/T 2261.1
    MALE = "male", "男"
    FEMALE = "female", "女"


class Education(models.TextChoices):  # GB/T 4658 (collection categories)
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    JUNIOR_COLLEGE = "junior_college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_HIGH = "junior_high", "初中"
    PRIMARY = "primary", "小学"
    OTHER = "other", "其他"


class Category(models.TextChoices):  # 人员类别
    WORKER = "worker", "工人"
    PROFESSIONAL = "professional", "专业技术人员"
    MANAGER = "manager", "管理人员"
    CIVIL_SERVANT = "civil_servant", "党政机关工作人员"
    STUDENT = "student", "学生"
    RETIRED = "retired", "离退休人员"
    FARMER = "farmer", "农牧渔民"
    OTHER = "other", "其他职业人员"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Standing(models.TextChoices):  # 党籍状态
    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停止党籍"


class ExitKind(models.TextChoices):
    REMOVED = "removed", "除名"
    PERSUADED = "persuaded", "劝退"
    SELF_LAPSED = "self_lapsed", "自行脱党"
    WITHDREW = "withdrew", "退党"
    EXPELLED = "expelled", "开除党籍"
    DECEASED = "deceased", "死亡"
    # 党章 第七条: a 预备党员 who does not meet the conditions has the status cancelled; the person is not a
    # party member any more. Recorded only through members.services.member_cancel_probation.
    PROBATION_CANCELLED = "probation_cancelled", "取消预备党员资格"
    # Not an exit: the 组织关系 went, by a closed 转接, to an organisation in the national system or outside
    # the platform (DOMAIN.md §6). The record leaves this platform's roll but the person is still a party
    # member, so no statistic counts it as 出党. Recorded only through members.services.member_transfer_out;
    # a later transfer back in reactivates the same record (member_receive_by_transfer).
    TRANSFERRED_OUT = "transferred_out", "已转出"


# The kinds ``member_exit`` records: real exits (出党), not 取消预备党员资格 nor 已转出.
EXIT_CHOICES = [
    c for c in ExitKind.choices if c[0] not in (ExitKind.PROBATION_CANCELLED, ExitKind.TRANSFERRED_OUT)
]


# GB/T 3304 民族 (the 56 ethnic groups, in the standard's order), plus 其他 and 外国血统.
ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "其他",
    "外国血统",
]
ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES]


def label_to_value(choices: type[models.TextChoices], label: str) -> str | None:
    """The stored value for a Chinese label as people type it (``"大学本科"`` → ``"bachelor"``)."""
    label = label.strip()
    for value, text in choices.choices:
        if label in (text, value):
            return str(value)
    return None
