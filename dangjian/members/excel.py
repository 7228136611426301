"""The national 党员信息采集表 (2017, 16 items; DOMAIN.md §2) as an Excel layout: its columns and the variants
people type for them, one row parsed into member data, and a member written back as a row (export).

Parsing converts cells only (labels → stored values, 是/否 → booleans, dates in the forms people type); the
record rules themselves are ``members.services.prepare``, shared with the forms and the API.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dangjian.access import scope
from dangjian.audit import services as audit
from dangjian.core import excel, idcard, masking
from dangjian.core.dates import parse_date
from dangjian.core.errors import BusinessError
from dangjian.core.excel import Column, cell_text
from dangjian.members import services
from dangjian.members.choices import ETHNICITIES, Category, Education, Gender, Standing, label_to_value
from dangjian.members.models import Member

# The 16 items, in the order of the national form. ``required`` columns must be present in the header.
COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("党员姓名",), required=True),
    Column("gender", "性别"),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "公民身份证号", "公民身份证号码", "居民身份证号码", "证件号码"),
        required=True,
    ),
    Column("ethnicity", "民族", required=True),
    Column("birth_date", "出生日期", ("出生年月日",)),
    Column("education", "学历", ("文化程度", "最高学历")),
    Column("category", "人员类别", ("人员分类",)),
    Column(
        "org", "所在党支部", ("所在支部", "党支部", "所在党组织", "所属党支部", "所属支部"), required=True
    ),
    Column("joined_on", "入党日期", ("入党时间", "加入党组织日期", "入党年月日"), required=True),
    Column("full_on", "转正日期", ("转正时间", "转为正式党员日期")),
    Column("job_title", "工作岗位", ("岗位",)),
    Column("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式")),
    Column("address", "家庭住址", ("住址", "家庭地址", "现居住地")),
    Column(
        "standing",
        "党籍状态",
    ),
    Column("lost_contact", "是否失联党员", ("失联党员", "是否失联")),
    Column("mobile", "是否流动党员", ("流动党员", "是否流动")),
)
# Optional companions of the 16 items (the national form's “+日期”, “+外出流向”) and a common extra.
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("lost_contact_on", "失联日期", ("失去联系日期", "失联时间")),
    Column("mobile_destination", "外出流向", ("流向", "流出地", "外出地点")),
    Column("party_post", "党内职务", ()),
)
ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
EXPORT_HEADERS: tuple[str, ...] = (*HEADERS, "失联日期", "外出流向")
HEADER_OF: dict[str, str] = {c.key: c.header for c in ALL_COLUMNS}

_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "", "n", "no", "false", "0", "×"}
_MAX_LENGTH = {"name": 50, "job_title": 100, "address": 200, "mobile_destination": 100, "party_post": 100}
_DATE_FIELDS = ("birth_date", "joined_on", "full_on", "lost_contact_on")


@dataclass
class ParsedRow:
    """One data row: ``data`` is ready for ``services.build``; ``problems`` are (column header, reason)."""

    row: int
    name: str
    org_text: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def _yes_no(value: object) -> bool | None:
    text = cell_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _ethnicity(text: str) -> str | None:
    if text in ETHNICITIES:
        return text
    if text and text + "族" in ETHNICITIES:  # “汉” → “汉族”
        return text + "族"
    return None


def parse_row(row: int, values: dict[str, Any], *, today: dt.date | None = None) -> ParsedRow:
    """Convert one row's cells and check the record with ``services.prepare``.

    Rules: dates in the forms of ``core.dates.parse_date``; 性别 and 出生日期 may be blank (taken from the
    公民身份号码) but must match it when given; 民族 per GB/T 3304 (“汉” is read as “汉族”); 学历 and 人员类别
    by the national code lists; 党籍状态 正常/停止党籍 (blank = 正常); 是否失联党员/是否流动党员 是/否
    (blank = 否); the status follows 转正日期 (blank = 预备党员).
    """
    problems: list[tuple[str, str]] = []
    bad_fields: set[str] = set()

    def fail(key: str, message: str) -> None:
        problems.append((HEADER_OF[key], message))
        bad_fields.add(key)

    text = {key: cell_text(values.get(key)) for key in HEADER_OF}
    data: dict[str, Any] = {
        "name": text["name"],
        "job_title": text["job_title"],
        "phone": text["phone"],
        "address": text["address"],
        "mobile_destination": text["mobile_destination"],
        "party_post": text["party_post"],
    }
    raw_id = values.get("id_number")
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool) and len(text["id_number"]) > 15:
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell is already damaged.
        fail("id_number", "公民身份号码被 Excel 存成了数字（末几位可能已丢失），请将该列设为“文本”后重新填写")
    data["id_number"] = "" if "id_number" in bad_fields else text["id_number"]

    for key in _DATE_FIELDS:
        data[key] = None
        if text[key]:
            try:
                data[key] = parse_date(values[key])
            except ValueError as exc:
                fail(key, str(exc))

    data["gender"] = None
    if text["gender"]:
        data["gender"] = label_to_value(Gender, text["gender"])
        if data["gender"] is None:
            fail("gender", f"性别应为“男”或“女”，不是“{text['gender']}”")
    ethnicity = _ethnicity(text["ethnicity"])
    if not text["ethnicity"]:
        fail("ethnicity", "民族不能为空（如：汉族）")
    elif ethnicity is None:
        fail("ethnicity", f"未知的民族“{text['ethnicity']}”（按 GB/T 3304 填写，如：汉族、回族）")
    data["ethnicity"] = ethnicity or "汉族"
    for key, choices, what in (("education", Education, "学历"), ("category", Category, "人员类别")):
        data[key] = ""
        if text[key]:
            value = label_to_value(choices, text[key])
            if value is None:
                options = "、".join(str(label) for _, label in choices.choices)
                fail(key, f"未知的{what}“{text[key]}”（可填：{options}）")
            data[key] = value or ""
    data["standing"] = Standing.NORMAL
    if text["standing"]:
        standing = label_to_value(Standing, text["standing"])
        if standing is None:
            fail("standing", f"党籍状态应为“正常”或“停止党籍”，不是“{text['standing']}”")
        data["standing"] = standing or Standing.NORMAL
    for key in ("lost_contact", "mobile"):
        flag = _yes_no(values.get(key))
        if flag is None:
            fail(key, f"应填写“是”或“否”，不是“{text[key]}”")
        data[key] = bool(flag)
    if data["lost_contact_on"] and not data["lost_contact"] and "lost_contact" not in bad_fields:
        fail("lost_contact_on", "填写了失联日期，但“是否失联党员”不是“是”")
    if data["mobile_destination"] and not data["mobile"] and "mobile" not in bad_fields:
        fail("mobile_destination", "填写了外出流向，但“是否流动党员”不是“是”")
    for key, limit in _MAX_LENGTH.items():
        if len(data[key]) > limit:
            fail(key, f"不超过{limit}字")
    if not text["org"]:
        fail("org", "所在党支部不能为空")

    prepared, rule_problems = services.prepare(data, today=today)
    for key, message in rule_problems:
        if key not in bad_fields:
            problems.append((HEADER_OF.get(key, key), message))
    return ParsedRow(row=row, name=text["name"], org_text=text["org"], data=prepared, problems=problems)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def export_row(member: Member, *, unmasked: bool) -> list[object]:
    """One member as a row of ``EXPORT_HEADERS``. Identity number, phone and address are masked unless
    ``unmasked`` (the caller checks the permission and writes the audit entry)."""
    id_number = member.id_number if unmasked else masking.mask_id_number(member.id_number)
    phone = member.phone if unmasked else masking.mask_phone(member.phone)
    address = member.address if unmasked else masking.mask_address(member.address)
    return [
        member.name,
        member.get_gender_display(),
        id_number,
        member.ethnicity,
        member.birth_date,
        member.get_education_display() if member.education else "",
        member.get_category_display() if member.category else "",
        member.org.name,
        member.joined_on,
        member.full_on,
        member.job_title,
        phone,
        address,
        member.get_standing_display(),
        _yes(member.lost_contact),
        _yes(member.mobile),
        member.lost_contact_on,
        member.mobile_destination,
    ]


_WIDTHS = {0: 10, 2: 22, 4: 12, 7: 34, 8: 12, 9: 12, 10: 16, 11: 15, 12: 30, 16: 12, 17: 20}
_TEXT_COLUMNS = (2, 11)  # 公民身份号码 and 联系电话 stay text in Excel
_DATE_COLUMNS = (4, 8, 9, 16)


def export_workbook(members: Iterable[Member], *, unmasked: bool, title: str = "") -> tuple[bytes, int]:
    """The .xlsx of ``members`` (same headers as the import, so an unmasked export re-imports) and the count.
    Text cells are neutralised against formula injection (``core.excel.neutralise``)."""
    count = 0

    def rows() -> Iterator[list[object]]:
        nonlocal count
        for member in members:
            count += 1
            yield export_row(member, unmasked=unmasked)

    content = excel.write_workbook(
        headers=EXPORT_HEADERS,
        rows=rows(),
        sheet_title="党员信息",
        title=title,
        widths=_WIDTHS,
        text_columns=_TEXT_COLUMNS,
    )
    return content, count


def template_workbook(*, branch_name: str, today: dt.date | None = None) -> bytes:
    """The import template: a title row, the headers, one example row and drop-down lists, plus a sheet of
    instructions. Built at request time (no binary in the repository)."""
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员信息"
    ws.append(["党员信息采集表（第3行为示例，导入前请删除或改写）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(EXPORT_HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    birth = dt.date(1990, 7, 1)
    example = [
        "张示例",
        "男",
        idcard.make("110101", birth, 11, "male"),
        "汉族",
        birth,
        "大学本科",
        "专业技术人员",
        branch_name,
        dt.date(2015, 7, 1),
        dt.date(2016, 7, 1),
        "工程师",
        "13800138000",
        "北京市东城区示例路1号",
        "正常",
        "否",
        "否",
        None,
        "",
    ]
    ws.append([excel.neutralise(v) for v in example])
    for pos in range(len(EXPORT_HEADERS)):
        dim = ws.column_dimensions[get_column_letter(pos + 1)]
        dim.width = _WIDTHS.get(pos, 12)
        if pos in _TEXT_COLUMNS:
            dim.number_format = "@"  # whole column typed as text: identity numbers keep all 18 digits
        elif pos in _DATE_COLUMNS:
            dim.number_format = "yyyy-mm-dd"
    for pos in _DATE_COLUMNS:
        ws.cell(row=3, column=pos + 1).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    excel.add_choice_lists(
        ws,
        {
            1: [label for _, label in Gender.choices],
            5: [str(label) for _, label in Education.choices],
            6: [str(label) for _, label in Category.choices],
            13: [str(label) for _, label in Standing.choices],
            14: ["是", "否"],
            15: ["是", "否"],
        },
        first_row=3,
        last_row=5000,
    )
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    for line in (
        ("列", "说明"),
        (
            "必填列",
            "姓名、公民身份号码、民族、所在党支部、入党日期；其余列可留空，列的顺序不限，表头上方可有标题行",
        ),
        (
            "公民身份号码",
            "18位，末位可为X；请设为“文本”格式。性别、出生日期可留空，按号码自动填写，填写时须与号码一致",
        ),
        ("所在党支部", "填写党支部全称或简称，须是您有权管理的党支部；简称重名时请填全称"),
        ("日期", "2001-07-01、2001.07.01、2001/7/1、2001年7月1日、20010701 或 Excel 日期均可"),
        ("转正日期", "预备党员留空；填写则为正式党员，须晚于入党日期"),
        ("入党日期", "入党时应年满18周岁（党章第一条）"),
        ("学历", "、".join(str(label) for _, label in Education.choices)),
        ("人员类别", "、".join(str(label) for _, label in Category.choices)),
        ("党籍状态", "正常 / 停止党籍，留空为正常"),
        ("是否失联/流动", "是 / 否，留空为否；可另加“失联日期”“外出流向”两列"),
        ("已有档案", "公民身份号码已在系统中的党员不会重复导入，该行将报错"),
    ):
        notes.append(list(line))
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def member_export(
    *, actor: Any, members: QuerySet[Member], unmasked: bool = False, title: str = ""
) -> tuple[bytes, int]:
    """Export ``members`` (already scoped and filtered by the caller) as an .xlsx in the import layout.

    Rules: identity number, phone and address are masked unless ``unmasked``, which needs
    ``members.view_sensitive`` over every exported member (BusinessError ``members.forbidden`` otherwise).
    Side effect: one audit entry ``members.member.export`` with {"rows", "unmasked"} for every export,
    written before the file is handed out.
    """
    if unmasked:
        allowed = scope.restrict(members, actor, "members.view_sensitive")
        if allowed.count() != members.count():
            raise BusinessError("members.forbidden", "无权导出完整的公民身份号码和联系电话")
    content, count = export_workbook(
        members.select_related("org").iterator(chunk_size=2000), unmasked=unmasked, title=title
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="members.member.export",
            target_repr=title[:200],
            changes={"rows": count, "unmasked": unmasked},
        )
    return content, count
