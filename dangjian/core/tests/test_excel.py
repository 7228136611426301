"""Domain-free Excel helpers (dangjian.core.excel): reading uploads, finding the header, safe writing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core import excel
from dangjian.core.errors import BusinessError
from dangjian.core.excel import Column

COLUMNS = (
    Column("name", "姓名", required=True),
    Column("number", "公民身份号码", ("身份证号",), required=True),
    Column("born", "出生日期"),
)


def workbook_bytes(*rows: list[object]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_header_variants_compare_loosely():
    assert excel.normalise_header(" 公民身份号码* ") == "公民身份号码"
    assert excel.normalise_header("出生日期（格式：2001-07-01）") == "出生日期"
    assert excel.normalise_header("姓\n名") == "姓名"


def test_header_is_found_below_a_title_and_a_blank_row():
    content = workbook_bytes(["党员信息采集表"], [], ["身份证号", "备注", "姓名"], ["110", "x", "张三"])
    table = excel.read_table(io.BytesIO(content), COLUMNS)
    assert table.header_row == 3
    assert table.positions == {"number": 0, "name": 2}
    assert table.unknown_headers == ["备注"]
    assert [c.key for c in table.missing] == ["born"]
    assert table.rows == [(4, {"number": "110", "name": "张三"})]


def test_blank_rows_are_skipped_but_row_numbers_stay_those_excel_shows():
    content = workbook_bytes(["姓名", "公民身份号码"], ["甲", "1"], [None, None], ["乙", "2"])
    table = excel.read_table(io.BytesIO(content), COLUMNS)
    assert [(n, v["name"]) for n, v in table.rows] == [(2, "甲"), (4, "乙")]


def test_a_missing_required_column_is_named():
    content = workbook_bytes(["姓名", "出生日期"], ["甲", "2001-01-01"])
    with pytest.raises(BusinessError) as exc:
        excel.read_table(io.BytesIO(content), COLUMNS)
    assert exc.value.code == "excel.missing_columns"
    assert "公民身份号码" in exc.value.message


def test_a_sheet_without_a_header_is_refused():
    content = workbook_bytes(["随便"], ["什么"])
    with pytest.raises(BusinessError) as exc:
        excel.read_table(io.BytesIO(content), COLUMNS)
    assert exc.value.code == "excel.no_header"


def test_upload_must_be_named_xlsx():
    with pytest.raises(BusinessError) as exc:
        excel.check_upload(SimpleUploadedFile("名册.xls", b"whatever"))
    assert exc.value.code == "excel.bad_type"
    assert "另存为" in exc.value.message


def test_upload_that_is_not_really_a_workbook_is_refused_clearly():
    with pytest.raises(BusinessError) as exc:
        excel.check_upload(SimpleUploadedFile("名册.xlsx", b"name,id\n"))
    assert exc.value.code == "excel.unreadable"
    assert ".xlsx" in exc.value.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(BusinessError) as exc:
        excel.check_upload(SimpleUploadedFile("名册.xlsx", buffer.getvalue()))
    assert exc.value.code == "excel.unreadable"


def test_upload_over_the_size_limit_is_refused():
    upload = SimpleUploadedFile("名册.xlsx", workbook_bytes(["姓名"]))
    with pytest.raises(BusinessError) as exc:
        excel.check_upload(upload, max_bytes=100)
    assert exc.value.code == "excel.too_large"


def test_a_good_upload_passes_and_is_rewound():
    upload = SimpleUploadedFile("名册.xlsx", workbook_bytes(["姓名", "公民身份号码"]))
    excel.check_upload(upload)
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (13800138000.0, "13800138000"),
        (dt.datetime(2001, 7, 1), "2001-07-01"),
        ("  张三\u3000", "张三"),
        ("'=1+2", "=1+2"),
        ("'普通", "'普通"),
    ],
)
def test_cells_read_as_the_user_sees_them(value, text):
    assert excel.cell_text(value) == text


@pytest.mark.parametrize("text", ["=1+2", "+86", "-1", "@SUM(A1)", "\tx", '=HYPERLINK("http://x")'])
def test_text_that_would_run_as_a_formula_is_neutralised(text):
    assert excel.neutralise(text) == "'" + text


def test_numbers_dates_and_plain_text_are_not_touched():
    assert excel.neutralise(-1) == -1
    assert excel.neutralise(dt.date(2001, 7, 1)) == dt.date(2001, 7, 1)
    assert excel.neutralise("张三") == "张三"


def test_written_workbook_has_headers_dates_and_no_formulas():
    content = excel.write_workbook(
        headers=["姓名", "日期"], rows=[["=cmd|' /C calc'!A0", dt.date(2001, 7, 1)]]
    )
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == ["姓名", "日期"]
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value.startswith("'=")
    assert ws["B2"].value == dt.datetime(2001, 7, 1)
    assert ws["B2"].number_format == "yyyy-mm-dd"


def test_a_written_title_row_sits_above_the_header_and_reads_back():
    content = excel.write_workbook(title="名册", headers=["姓名", "公民身份号码"], rows=[["甲", "1"]])
    table = excel.read_table(io.BytesIO(content), COLUMNS)
    assert table.header_row == 2
    assert table.rows == [(3, {"name": "甲", "number": "1"})]


def test_download_response_names_the_file_in_chinese():
    response = excel.workbook_response(b"x", filename="党员名册.xlsx")
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
