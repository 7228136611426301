"""Rules of 学习专题: local practice [C] (DOMAIN.md §7), behind 教管条例 第二十条 yearly study."""

import datetime as dt

import pytest

from dangjian.core import richtext
from dangjian.study import rules

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("kind", "seconds", "duration", "done"),
    [
        ("article", 29, None, False),
        ("article", 30, None, True),  # studytime.rules.READ_SECONDS
        ("document", 30, None, True),
        ("video", 539, 600, False),  # 90% of 10 minutes is 540 s
        ("video", 540, 600, True),
        ("audio", 91, 101, True),  # ceil(90.9) = 91
        ("video", 10_000, None, False),  # no known length: never "watched"
    ],
)
def test_item_done(kind, seconds, duration, done):
    assert rules.item_done(kind=kind, seconds=seconds, duration=duration, read_seconds=30) is done


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("12:30", 750),
        ("1:02:03", 3723),
        ("45", 2700),
        ("0:07", 7),
        ("12：30", 750),
        ("", None),
        ("1:75", None),
        ("abc", None),
        ("0:00", None),
    ],
)
def test_parse_duration(text, seconds):
    assert rules.parse_duration(text) == seconds


def test_my_study_order_puts_overdue_required_first_then_required_then_assigned_then_open():
    overdue = rules.my_study_order(
        required=True, deadline=TODAY - dt.timedelta(days=1), done=False, assigned=True, today=TODAY
    )
    soon = rules.my_study_order(
        required=True, deadline=TODAY + dt.timedelta(days=3), done=False, assigned=True, today=TODAY
    )
    later = rules.my_study_order(
        required=True, deadline=TODAY + dt.timedelta(days=9), done=False, assigned=True, today=TODAY
    )
    assigned = rules.my_study_order(required=False, deadline=None, done=False, assigned=True, today=TODAY)
    open_ = rules.my_study_order(required=False, deadline=None, done=False, assigned=False, today=TODAY)
    assert sorted([open_, assigned, later, soon, overdue]) == [overdue, soon, later, assigned, open_]


def test_a_finished_required_topic_is_never_overdue():
    assert not rules.is_overdue(deadline=TODAY - dt.timedelta(days=1), done=True, today=TODAY)


def test_rate_rounds_down_and_is_zero_for_nobody():
    assert rules.rate(2, 3) == 66
    assert rules.rate(0, 0) == 0


def test_sanitiser_keeps_the_allow_list_and_drops_script_handlers_and_javascript_links():
    out = str(
        richtext.render(
            '<h2 onclick="x()">标题</h2><p>正文<script>alert(1)</script>'
            '<a href="javascript:alert(1)">坏</a><a href="https://example.org/">好</a></p>'
            '<img src=x onerror=alert(1)><iframe src="//evil"></iframe>'
        )
    )
    assert "<h2>标题</h2>" in out
    assert "script" not in out and "onclick" not in out and "onerror" not in out and "iframe" not in out
    assert "javascript" not in out
    assert '<a href="https://example.org/" rel="noopener noreferrer">好</a>' in out


def test_plain_text_becomes_escaped_paragraphs():
    assert richtext.prepare("第一段\n第二行\n\n第二段 <b") == "<p>第一段<br>第二行</p><p>第二段 &lt;b</p>"


def test_render_escapes_text_that_looks_like_markup():
    assert (
        str(richtext.render("<p>&lt;script&gt;x&lt;/script&gt;</p>"))
        == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_docx_is_converted_to_headings_paragraphs_and_tables():
    from dangjian.study.tests.conftest import docx_bytes

    html = richtext.docx_to_html(docx_bytes())
    assert "<h2>党章学习要点</h2>" in html
    assert "<p>第一条 党员必须履行的义务。</p>" in html
    assert "<th>条目</th>" in html and "<td>党员义务</td>" in html
