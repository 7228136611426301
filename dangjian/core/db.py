"""The few fixed statements a hot path runs on every request (the study heartbeat's), prepared on PostgreSQL.

Django's PostgreSQL cursors bind parameters on the client, so PostgreSQL parses and plans every statement each
time it runs. For a statement that runs on every request of the busiest endpoint, that costs more than running
it: the heartbeat's token query took 0.31 ms of PostgreSQL's CPU planned each time and 0.05 ms prepared, the
whole beat 0.82 → 0.38 ms (measured from ``/proc``, bench/RESULTS.md). ``fetch`` and ``run`` execute a
statement bound on the server and prepared once per connection (psycopg keeps up to 100 per connection and
prepares again after a reconnect), through one cursor kept per connection (making a psycopg cursor costs
more than the call). On SQLite, or when ``DATABASE_PREPARED_STATEMENTS`` is off, they use an ordinary cursor.

Only for fixed SQL with ``%s`` placeholders, one statement per call. Statements so run are seen by Django's
query logging and ``CaptureQueriesContext`` like any other. Turn it off behind a connection pooler in
transaction mode that does not keep prepared statements (pgbouncer before 1.21, or without
``max_prepared_statements``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

_KEPT = "_dangjian_prepared_cursor"  # the kept cursor's attribute on the connection wrapper


def _prepared_class() -> Any:
    try:
        from django.db.backends.postgresql.base import ServerBindingCursor
    except ImportError:  # psycopg 2: no server-side binding
        return None

    class PreparedCursor(ServerBindingCursor):
        """Binds on the server and prepares every statement it runs (psycopg's ``prepare=True``)."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)  # type: ignore[misc]

    return PreparedCursor


_PREPARED: Any = None


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log (``DEBUG``, ``CaptureQueriesContext``) for a prepared statement: the SQL as written,
    since a statement bound on the server is never composed with its values on the client."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def _prepared_connection() -> Any:
    """The default database's connection wrapper when its hot statements are prepared, else ``None``."""
    global _PREPARED
    db = connections[DEFAULT_DB_ALIAS]  # once: each ``django.db.connection.x`` looks the connection up again
    if db.vendor != "postgresql" or not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True):
        return None
    if _PREPARED is None:
        _PREPARED = _prepared_class() or False
    return db if _PREPARED is not False else None


def _kept_cursor(db: Any) -> Any:
    """Django's cursor wrapper (query logging, error wrapping) around the connection's kept prepared cursor;
    as ``connection.cursor()`` does, with that cursor in place of a new one."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    raw = db.connection
    kept = getattr(db, _KEPT, None)
    if kept is None or kept.connection is not raw or kept.closed:
        kept = _PREPARED(raw)
        setattr(db, _KEPT, kept)
    db.validate_thread_sharing()
    return _LoggedCursor(kept, db) if db.queries_logged else CursorWrapper(kept, db)


def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, prepared once per connection on PostgreSQL."""
    db = _prepared_connection()
    if db is None:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    cursor = _kept_cursor(db)  # not closed: kept for the connection's next statement
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def run(sql: str, params: list[Any]) -> None:
    """Execute ``sql`` (no rows), prepared once per connection on PostgreSQL."""
    db = _prepared_connection()
    if db is None:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, params)
        return
    _kept_cursor(db).execute(sql, params)
