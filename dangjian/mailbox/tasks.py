"""Background work of 书记信箱: retraining the classifier after a handler's correction."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()  # type: ignore[untyped-decorator]
def classifier_retrain() -> dict[str, int]:
    """Retrain the letter classifier on the seed letters and every correction (idempotent)."""
    from dangjian.mailbox import services

    return services.classifier_train()
