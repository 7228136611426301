"""manage.py import_members: the same import service from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from dangjian.audit.models import AuditEntry
from dangjian.members.models import Member, StatusChange
from dangjian.members.tests.test_import import person, state, xlsx


@pytest.fixture
def write(tmp_path):
    def _write(rows, name="名册.xlsx"):
        path = tmp_path / name
        path.write_bytes(xlsx(rows).getvalue())
        return str(path)

    return _write


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_the_report_and_writes_nothing(world, write):
    path = write([person("命令甲"), person("命令乙", 联系电话="123")])
    before = state()
    with pytest.raises(CommandError) as exc:
        command(path, "--dry-run")
    assert "1 行有错误" in str(exc.value)
    assert state() == before


def test_dry_run_output_names_row_column_and_reason(world, write, capsys):
    path = write([person("命令甲"), person("命令乙", 联系电话="123")])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", path, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "共 2 行，可导入 1 行，有错误 1 行" in text
    assert "第 3 行  联系电话：联系电话格式不正确（命令乙）" in text


def test_a_clean_dry_run_succeeds_and_writes_nothing(world, write):
    before = state()
    out, _ = command(write([person("干净")]), "--dry-run")
    assert "校验通过" in out
    assert state() == before


def test_without_user_it_is_a_system_import_audited_with_no_actor(world, write):
    path = write([person("系统甲"), person("系统丙", 所在党支部="第三党支部")])
    out, _ = command(path)
    assert "已导入 2 名党员" in out
    assert Member.objects.get(name="系统丙").org == world.branch_c
    entry = AuditEntry.objects.get(action="members.import.commit")
    assert entry.actor is None and entry.changes == {"created": 2, "skipped": 0, "file": "名册.xlsx"}
    assert StatusChange.objects.filter(member__name="系统甲", actor=None, kind="created").exists()


def test_with_user_the_import_keeps_that_users_scope(world, write):
    path = write([person("越权", 所在党支部="第一党支部")])
    before = state()
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_members", path, "--user", "secretary_b", stdout=out)
    assert "未导入任何数据" in str(exc.value)
    assert "未知的党支部" in out.getvalue()
    assert state() == before


def test_with_user_the_audit_entry_names_the_user(world, write):
    command(write([person("署名")]), "--user", "secretary_a")
    assert AuditEntry.objects.get(action="members.import.commit").actor == world.secretary_a


def test_skip_invalid_imports_the_valid_rows(world, write):
    out, _ = command(write([person("好"), person("坏", 姓名="")]), "--skip-invalid")
    assert "已导入 1 名党员，跳过 1 行" in out
    assert Member.objects.filter(name="好").exists()


def test_unknown_user_and_missing_file_are_clear_errors(world, write, tmp_path):
    with pytest.raises(CommandError, match="用户不存在"):
        command(write([person()]), "--user", "nobody")
    with pytest.raises(CommandError, match="文件不存在"):
        command(str(tmp_path / "missing.xlsx"))


def test_an_unreadable_file_is_a_clear_error(world, tmp_path):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="无法读取该文件"):
        command(str(path))
