"""PostgreSQL: extended statistics on (period, start) of the period totals.

The two columns are strongly dependent (a year has one start, a day 365), so without them PostgreSQL estimates
a period's range of ``points_total_branch`` at a few dozen rows, and for a committee's board applies
``branch_id = ANY(…)`` as a filter over all 100,000 rows of the year (137 ms) instead of as an index condition
(0.5 ms): bench/RESULTS.md, study section. SQLite needs nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = ("points_pointtotal", "points_pointorgtotal")


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {table}_period_start (dependencies, mcv) "
            f"ON period, start FROM {table}"
        )
        schema_editor.execute(f"ANALYZE {table}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {table}_period_start")


class Migration(migrations.Migration):
    dependencies = [("points", "0003_remove_pointorgtotal_points_orgtotal_period_and_more")]

    operations = [migrations.RunPython(create, drop)]
