from typing import Any

import pytest

from dangjian.points import services as points


@pytest.fixture(autouse=True)
def _default_rules(db: Any) -> None:
    points.points_seed_rules()


@pytest.fixture
def school_snapshot(snapshot: Any) -> Any:
    """The shared snapshot plus this app's tables and the 学时 ledger."""

    def take() -> dict[str, Any]:
        from django.apps import apps

        out = snapshot()
        for label in (
            "school.Course",
            "school.Chapter",
            "school.Lesson",
            "school.Assignment",
            "school.Enrolment",
            "school.LessonProgress",
            "studytime.StudyHours",
            "core.StoredFile",
        ):
            out[label] = list(apps.get_model(label)._default_manager.order_by("pk").values())
        return out

    return take
