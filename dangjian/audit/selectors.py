"""Reads on the audit log: one filter for the search page and the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from dangjian.audit.models import AuditEntry
from dangjian.core.dates import parse_date_or_none
from dangjian.orgs.models import Org

FILTER_KEYS = ("user", "action", "org", "since", "until", "outcome")


@dataclass(frozen=True)
class EntryFilter:
    user: str = ""
    action: str = ""
    org: str = ""  # an organisation id (its subtree), as picked on the page
    since: str = ""
    until: str = ""
    outcome: str = ""  # "", "success" or "failure"

    @classmethod
    def from_query(cls, query: Any) -> EntryFilter:
        return cls(**{k: str(query.get(k, "")).strip()[:100] for k in FILTER_KEYS})

    def as_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FILTER_KEYS if getattr(self, k)}


def entry_list(*, filters: EntryFilter) -> QuerySet[AuditEntry]:
    """Entries by who (account name, part), what (action code prefix), where (organisation and its subtree),
    when (inclusive dates, local time) and outcome; newest first."""
    qs = AuditEntry.objects.all()
    if filters.user:
        qs = qs.filter(actor_name__contains=filters.user)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.org:
        org = Org.objects.filter(pk=filters.org).only("path").first() if filters.org.isdigit() else None
        qs = qs.filter(org_path__startswith=org.path) if org else qs.none()
    if since := parse_date_or_none(filters.since):
        qs = qs.filter(created_at__date__gte=since)
    if until := parse_date_or_none(filters.until):
        qs = qs.filter(created_at__date__lte=until)
    if filters.outcome in ("success", "failure"):
        qs = qs.filter(success=filters.outcome == "success")
    return qs.order_by("-seq")
