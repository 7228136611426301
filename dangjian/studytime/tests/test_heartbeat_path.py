"""The heartbeat's short path: its one-query token check refuses exactly what the API's token check refuses,
its SQL names the models' tables, and the process keeps resolved content only as long as configured."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from dangjian.access import services as access_services
from dangjian.access import tokens
from dangjian.access.models import ApiToken, Grant
from dangjian.accounts import policy
from dangjian.accounts.models import User
from dangjian.members.models import Member
from dangjian.orgs.models import Org
from dangjian.studytime import content, services
from dangjian.studytime.api import auth
from dangjian.studytime.middleware import HEARTBEAT_PATH, HeartbeatMiddleware
from dangjian.studytime.models import StudyClock, StudyDay

BEAT = {"content": "doc:1", "state": "visible"}


def _beat(client: Any, key: str, body: dict[str, str] | None = None) -> Any:
    return client.post(
        reverse("studytime-heartbeat"),
        body or BEAT,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )


def _me(client: Any, key: str) -> Any:
    """The same token on another endpoint, checked by the API's ``ApiTokenAuthentication``."""
    return client.get(reverse("studytime-hours-me"), HTTP_AUTHORIZATION=f"Token {key}")


def _token(user: User) -> str:
    return tokens.token_create(actor=user, user=user, name="测试")[1]


class TestTokenCheck:
    def test_a_member_beats_with_a_token(self, client, world: SimpleNamespace) -> None:
        key = _token(world.member_user)
        assert _beat(client, key).json() == {"credited": 0, "seconds_today": 0, "interval": 15}
        day = StudyDay.objects.get(member=world.member, content_key="doc:1")
        assert day.beats == 1 and day.last_beat_at is not None
        assert ApiToken.objects.get(user=world.member_user).last_used_at is not None

    @pytest.mark.parametrize(
        "case", ["revoked", "inactive", "admin", "must_change", "expired", "wrong_key", "malformed"]
    )
    def test_refused_as_the_api_refuses_and_nothing_is_written(
        self, client, world: SimpleNamespace, snapshot: Any, case: str
    ) -> None:
        user = world.member_user
        token, key = tokens.token_create(actor=user, user=user, name="测试")
        if case == "revoked":
            tokens.token_revoke(actor=user, token=token)
        elif case == "inactive":
            User.objects.filter(pk=user.pk).update(is_active=False)
        elif case == "admin":
            access_services.grant_create(actor=None, user=user, role="system_admin", bootstrap=True)
        elif case == "must_change":
            User.objects.filter(pk=user.pk).update(must_change_password=True)
        elif case == "expired":
            User.objects.filter(pk=user.pk).update(
                password_changed_at=timezone.now() - dt.timedelta(days=3650)
            )
        elif case == "wrong_key":
            key = key[:-2] + "xx"
        else:
            key = key + " extra"
        before = snapshot()
        beat, other = _beat(client, key), _me(client, key)
        assert beat.status_code == other.status_code == 401, (beat.content, other.content)
        assert beat.json()["detail"] == other.json()["detail"]
        assert snapshot() == before

    def test_an_administrator_grant_on_a_closed_organisation_does_not_count(
        self, client, world: SimpleNamespace
    ) -> None:
        """As ``scope.user_grants``: grants on an inactive organisation are ignored."""
        Grant.objects.create(user=world.member_user, role="system_admin", org=world.branch_c)
        Org.objects.filter(pk=world.branch_c.pk).update(is_active=False)
        key = _token(world.member_user)
        assert _me(client, key).status_code == 200
        assert _beat(client, key).status_code == 200

    def test_an_account_without_a_member_record_is_refused(
        self, client, world: SimpleNamespace, snapshot: Any
    ) -> None:
        key = _token(make_user("nomember"))
        _me(client, key)  # the token's use is noted (once a minute), as on any endpoint
        before = snapshot()
        response = _beat(client, key)
        assert response.status_code == 403
        assert "未关联党员档案" in response.json()["detail"]
        assert snapshot() == before

    def test_a_session_still_works_and_needs_csrf(self, world: SimpleNamespace) -> None:
        from django.test import Client

        from conftest import sign_in

        browser = Client(enforce_csrf_checks=True)
        sign_in(browser, world.member_user)
        url = reverse("studytime-heartbeat")
        refused = browser.post(url, BEAT, content_type="application/json")
        assert refused.status_code == 403
        browser.get(reverse("studytime:my_hours"))  # a page sets the CSRF cookie
        ok = browser.post(
            url, BEAT, content_type="application/json", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value
        )
        assert ok.status_code == 200


class TestSql:
    def test_the_written_out_statements_name_the_models_tables(self) -> None:
        assert StudyClock._meta.db_table == "studytime_studyclock"
        assert StudyDay._meta.db_table == "studytime_studyday"
        for model, table in (
            (User, "accounts_user"),
            (ApiToken, "access_apitoken"),
            (Grant, "access_grant"),
            (Org, "orgs_org"),
            (Member, "members_member"),
        ):
            assert model._meta.db_table == table
            assert f" {table} " in auth._SQL

    def test_a_repeated_beat_is_three_statements(self, client, world: SimpleNamespace, settings: Any) -> None:
        """The token with its user, role check and member id; the clock and day read under the clock's lock;
        the day's update (and the clock's, when it credits), besides the transaction's own statements."""
        settings.SECURITY_POLICY_CACHE_SECONDS = 5  # as in production (tests read it on every request)
        key = _token(world.member_user)
        try:
            _beat(client, key)  # creates the clock and the day row, notes the token's use, reads the policy
            with CaptureQueriesContext(connection) as ctx:
                assert _beat(client, key).status_code == 200
        finally:
            policy.forget()
        work = [
            q["sql"]
            for q in ctx.captured_queries
            if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK"))
        ]
        assert len(work) == 3, [sql[:60] for sql in work]


class TestInput:
    @pytest.mark.parametrize(
        "body",
        [
            {"content": "doc:1", "state": "sleeping"},
            {"content": "", "state": "visible"},
            {"content": " doc:1", "state": "visible"},
            {"content": "d" * 65, "state": "visible"},
            {"content": 12, "state": "visible"},
            {"content": "doc:1"},
            {"state": "visible"},
            {"content": "文档:1", "state": "visible"},
            {"content": "doc:1\x00", "state": "visible"},
        ],
    )
    def test_a_body_the_serializer_refuses_is_refused_alike_and_changes_nothing(
        self, client, world: SimpleNamespace, body: dict[str, Any]
    ) -> None:
        from dangjian.studytime.api.views import HeartbeatInSerializer

        key = _token(world.member_user)
        response = _beat(client, key, body)
        checked = HeartbeatInSerializer(data=body)
        if checked.is_valid():  # e.g. " doc:1" trimmed, 12 read as "12": answered as the cleaned body is
            assert response.status_code == _beat(client, key, dict(checked.validated_data)).status_code
        else:
            assert response.status_code == 400
            assert response.json() == {k: [str(m) for m in v] for k, v in checked.errors.items()}
            assert not StudyDay.objects.filter(member=world.member).exists()

    def test_the_answer_is_json_whatever_the_client_accepts(self, client, world: SimpleNamespace) -> None:
        key = _token(world.member_user)
        response = client.post(reverse("studytime-heartbeat"), BEAT, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT="text/html")  # fmt: skip
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json()["seconds_today"] == 0

    def test_the_route_is_the_same_address(self) -> None:
        assert reverse("studytime-heartbeat") == "/api/v1/study/heartbeat/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_beat_of_its_own_does_not_wait_for_the_wal_flush_and_others_do(world: SimpleNamespace) -> None:
    """The locking read sets synchronous_commit off for the beat's transaction only (from the member's
    second beat: set per row read, and the first finds no clock yet)."""
    services.study_heartbeat(user=world.member_user, content_key="doc:1", state="visible")
    seen: list[str] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if "studytime_studyclock c" in sql:
            with context["connection"].cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                seen.append(cursor.fetchone()[0])
        return result

    with connection.execute_wrapper(note):
        services.study_heartbeat(user=world.member_user, content_key="doc:1", state="visible")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        after = cursor.fetchone()[0]
    assert seen == ["off"] and after == "on"


class TestContentCache:
    def test_resolved_content_is_kept_for_the_configured_seconds(
        self, world: SimpleNamespace, settings: Any
    ) -> None:
        calls: list[tuple[int, int]] = []

        def resolve(pk: int, user: Any) -> content.Content | None:
            calls.append((pk, user.pk))
            return content.Content(f"kept:{pk}", "文章", content.Kind.ARTICLE, "/")

        content.register("kept", resolve=resolve)
        settings.STUDY_CONTENT_CACHE_SECONDS = 60
        try:
            for _ in range(3):
                services.study_heartbeat(user=world.member_user, content_key="kept:1", state="visible")
            assert calls == [(1, world.member_user.pk)]  # once per content and user
            other = make_user("another")
            assert content.resolve_cached("kept:1", other) is not None
            assert calls[-1] == (1, other.pk)
            content.register("kept", resolve=resolve)  # registering again forgets the answers
            content.resolve_cached("kept:1", world.member_user)
            assert len(calls) == 3
            settings.STUDY_CONTENT_CACHE_SECONDS = 0  # off: every beat asks the owner
            content.resolve_cached("kept:1", world.member_user)
            content.resolve_cached("kept:1", world.member_user)
            assert len(calls) == 5
        finally:
            content.forget()

    def test_a_refusal_is_kept_too_and_expires(
        self, world: SimpleNamespace, settings: Any, monkeypatch: Any
    ) -> None:
        allowed: set[int] = set()

        def resolve(pk: int, user: Any) -> content.Content | None:
            if pk not in allowed:
                return None
            return content.Content(f"gate:{pk}", "文章", content.Kind.ARTICLE, "/")

        content.register("gate", resolve=resolve)
        settings.STUDY_CONTENT_CACHE_SECONDS = 60
        clock = [1000.0]
        monkeypatch.setattr(content.time, "monotonic", lambda: clock[0])
        try:
            assert content.resolve_cached("gate:1", world.member_user) is None
            allowed.add(1)
            clock[0] += 59
            assert content.resolve_cached("gate:1", world.member_user) is None  # still the kept answer
            clock[0] += 2
            assert content.resolve_cached("gate:1", world.member_user) is not None
        finally:
            content.forget()


class TestEarlyAnswer:
    """A token's well-formed beat is answered by ``HeartbeatMiddleware`` before the session, locale, CSRF and
    message middleware and DRF; everything else goes on to ``HeartbeatView`` as before."""

    def _request(
        self, key: str, body: dict[str, Any] | str | None = None, kind: str = "application/json"
    ) -> Any:
        from django.test import RequestFactory

        data = body if isinstance(body, str) else json.dumps(body or BEAT)
        return RequestFactory().post(
            "/api/v1/study/heartbeat/", data, content_type=kind, HTTP_AUTHORIZATION=f"Token {key}"
        )

    def test_the_middleware_watches_the_heartbeat_route(self) -> None:
        assert reverse("studytime-heartbeat") == HEARTBEAT_PATH

    def test_a_credited_token_beat_is_answered_without_the_rest_of_the_stack(
        self, world: SimpleNamespace
    ) -> None:
        key = _token(world.member_user)

        def rest_of_the_stack(request: Any) -> Any:
            raise AssertionError("answered by the view")

        early = HeartbeatMiddleware(rest_of_the_stack)
        response = early(self._request(key))
        assert response.status_code == 200
        assert json.loads(response.content) == {"credited": 0, "seconds_today": 0, "interval": 15}
        assert StudyDay.objects.get(member=world.member, content_key="doc:1").beats == 1

    @pytest.mark.parametrize(
        "case",
        ["revoked", "admin", "no_member", "unknown_content", "bad_state", "not_json", "nan", "form", "latin1",
         "bearer", "bad_length"],
    )  # fmt: skip
    def test_anything_else_goes_on_to_the_view(self, world: SimpleNamespace, case: str) -> None:
        user = world.member_user if case != "no_member" else make_user("nomember")
        token, key = tokens.token_create(actor=user, user=user, name="测试")
        body: dict[str, Any] | str = BEAT
        if case == "revoked":
            tokens.token_revoke(actor=user, token=token)
        elif case == "admin":
            access_services.grant_create(actor=None, user=user, role="system_admin", bootstrap=True)
        elif case == "unknown_content":
            body = {"content": "doc:999", "state": "visible"}
        elif case == "bad_state":
            body = {"content": "doc:1", "state": "sleeping"}
        elif case == "not_json":
            body = "{"
        elif case == "nan":
            body = '{"content": "doc:1", "state": "visible", "n": NaN}'
        passed: list[Any] = []
        kinds = {"form": "application/x-www-form-urlencoded", "latin1": "application/json; charset=latin-1"}
        request = self._request(key, body, kinds.get(case, "application/json"))
        if case == "bearer":
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if case == "bad_length":
            request.META["CONTENT_LENGTH"] = "abc"
        answer = HeartbeatMiddleware(lambda r: passed.append(r) or "the view's answer")(request)
        assert answer == "the view's answer" and passed == [request]
        assert not StudyDay.objects.filter(member=world.member).exists()

    def test_the_early_answer_has_the_security_headers_and_the_views_body(
        self, client, world: SimpleNamespace
    ) -> None:
        key = _token(world.member_user)
        early = _beat(client, key)
        assert early["Content-Type"] == "application/json"
        assert early["Cache-Control"] == "no-store" and early["X-Frame-Options"] == "DENY"
        assert (
            early["X-Content-Type-Options"] == "nosniff"
            and "frame-ancestors 'none'" in early["Content-Security-Policy"]
        )
        assert early["X-Request-ID"] and early["Content-Length"] == str(len(early.content))
        assert "Allow" not in early  # DRF's: the view did not answer
        # The view's answer to the same beat (the session's path) has the same shape.
        from conftest import sign_in

        sign_in(client, world.member_user)
        late = client.post(reverse("studytime-heartbeat"), BEAT, content_type="application/json")
        assert late.status_code == 200 and "Allow" in late
        assert set(late.json()) == set(early.json()) and late.json()["interval"] == early.json()["interval"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
class TestPreparedStatements:
    """The heartbeat's statements are prepared once per connection (dangjian/core/db.py), no others."""

    def _prepared(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    def _forget(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # psycopg forgets its names too when it sees this

    def test_the_token_query_and_the_beats_statements_are_prepared(
        self, client, world: SimpleNamespace
    ) -> None:
        self._forget()
        key = _token(world.member_user)
        for _ in range(2):
            assert _beat(client, key).status_code == 200
        prepared = self._prepared()
        assert any("access_apitoken" in sql for sql in prepared)
        assert any("studytime_studyclock c" in sql for sql in prepared)
        assert any(sql.startswith("UPDATE studytime_studyday") for sql in prepared)
        assert not any("members_member" in sql and "access_apitoken" not in sql for sql in prepared)

    def test_off_nothing_is_prepared(self, client, world: SimpleNamespace, settings: Any) -> None:
        settings.DATABASE_PREPARED_STATEMENTS = False
        self._forget()
        key = _token(world.member_user)
        for _ in range(2):
            assert _beat(client, key).status_code == 200
        assert self._prepared() == []

    def test_a_rollback_between_beats_is_survived(self, world: SimpleNamespace) -> None:
        from django.db import transaction

        services.study_heartbeat(user=world.member_user, content_key="doc:1", state="visible")
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            services.study_heartbeat(user=world.member_user, content_key="doc:2", state="visible")
            1 / 0  # noqa: B018 (rolls the savepoint back: psycopg deallocates its statements)
        services.study_heartbeat(user=world.member_user, content_key="doc:1", state="visible")
        assert StudyDay.objects.get(member=world.member, content_key="doc:1").beats == 2
        assert not StudyDay.objects.filter(member=world.member, content_key="doc:2").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_a_new_prepared_cursor(world: SimpleNamespace) -> None:
    services.study_heartbeat(user=world.member_user, content_key="doc:1", state="visible")
    connection.close()
    services.study_heartbeat(user=world.member_user, content_key="doc:1", state="visible")
    assert StudyDay.objects.get(member=world.member, content_key="doc:1").beats == 2
