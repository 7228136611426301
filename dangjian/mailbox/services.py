"""Services of 书记信箱 and 随手拍: the only writers of this app's tables.

Anonymity (SECURITY.md "The anonymous mailbox"; models docstring): an anonymous submission or a writer's
follow-up is called with no actor; nothing here reads the request, the user, the address or the clock's time
of day for it, and no audit entry is written for it (an entry's exact time would date the letter). Handlers'
actions are audited as usual (``mailbox.letter.read`` for every read).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.access import scope
from dangjian.access.models import Grant
from dangjian.access.roles import ADMIN_ROLES, Role, permissions_of
from dangjian.audit import services as audit
from dangjian.core import crypto
from dangjian.core.errors import BusinessError
from dangjian.mailbox import classifier
from dangjian.mailbox.defaults import DEFAULT_CATEGORIES, FALLBACK
from dangjian.mailbox.models import (
    CASE_TRANSITIONS,
    Author,
    CaseStatus,
    CaseStep,
    Category,
    ClassifierModel,
    Correction,
    Kind,
    Letter,
    LetterMessage,
    LetterStatus,
    SnapshotReport,
    Source,
)
from dangjian.orgs.models import Org

LETTER_PURPOSE = "mailbox.attachment"
SNAPSHOT_PURPOSE = "snapshot.media"
HANDLE = "mailbox.handle"
CONFIGURE = "mailbox.configure"
MAX_FILES = 5
SUBJECT_MAX = 60
BODY_MAX = 5000


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def receipt_days() -> int:
    return int(setting("MAILBOX_RECEIPT_DAYS", 365))


def default_due_days() -> int:
    return int(setting("MAILBOX_DUE_DAYS", 15))  # 办理期限: local practice [C]


# --------------------------------------------------------------------------------------------------------
# Receipts


def receipt_new() -> str:
    """A 16-digit receipt from the operating system's CSPRNG."""
    return f"{secrets.randbelow(10**16):016d}"


def receipt_normalise(raw: str) -> str:
    return "".join(ch for ch in (raw or "") if ch in "0123456789")


def receipt_hash(code: str) -> str:
    """The keyed hash stored in place of the receipt (HMAC-SM3; the key is outside the database)."""
    return crypto.hmac_sm3(settings.BLIND_INDEX_KEY, f"mailbox.receipt\x00{code}".encode())


def receipt_format(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, 16, 4))


def receipt_find(raw: str, *, today: dt.date | None = None) -> Letter | SnapshotReport | None:
    """The letter or report of a receipt, or None: wrong and expired receipts are the same answer."""
    code = receipt_normalise(raw)
    if len(code) != 16:
        return None
    today = today or timezone.localdate()
    digest = receipt_hash(code)
    letter = Letter.objects.select_related("org", "category").filter(receipt_hash=digest).first()
    if letter is not None:
        return letter if letter.receipt_expires_on >= today else None
    report = SnapshotReport.objects.select_related("org").filter(receipt_hash=digest).first()
    if report is not None and report.receipt_expires_on >= today:
        return report
    return None


def _receipt_pair() -> tuple[str, str]:
    for _ in range(5):
        code = receipt_new()
        digest = receipt_hash(code)
        if (
            not Letter.objects.filter(receipt_hash=digest).exists()
            and not SnapshotReport.objects.filter(receipt_hash=digest).exists()
        ):
            return code, digest
    raise BusinessError("mailbox.receipt_failed", "生成回执码失败，请重试")  # pragma: no cover


# --------------------------------------------------------------------------------------------------------
# Who handles


def handler_org_ids(user: Any) -> set[int]:
    """Organisations whose letters ``user`` handles: grants of a role with ``mailbox.handle`` *at* the
    organisation (the designated handlers). The 三员 never handle letters, whatever else they hold."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    grants = scope.user_grants(user)
    if any(g.role in ADMIN_ROLES for g in grants):
        return set()
    return {g.org_id for g in grants if g.org_id is not None and HANDLE in permissions_of(g.role)}


def is_handler(user: Any, org: Org) -> bool:
    return org.pk in handler_org_ids(user)


def handlers_of(org: Org) -> list[Any]:
    """The designated handlers of ``org`` (for assignment), by name."""
    roles = [r for r in Role.values if HANDLE in permissions_of(r)]
    grants = Grant.objects.filter(org=org, role__in=roles, user__is_active=True).select_related("user")
    users = {g.user.pk: g.user for g in grants}
    return sorted(users.values(), key=lambda u: u.display_name or u.username)


def _require_handler(actor: Any, org: Org) -> None:
    if not is_handler(actor, org):
        raise BusinessError("mailbox.not_handler", "只有本组织指定的信箱办理人可以办理")


# --------------------------------------------------------------------------------------------------------
# Classification


def categories_ensure_defaults() -> None:
    """Recreate the default categories when there are none at all (they come with migration 0002; a
    database emptied by hand would otherwise classify into nothing). Called only on writes."""
    if Category.objects.exists():
        return
    for order, (name, words) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.create(
            name=name, keywords=words, sort_order=order * 10, is_fallback=name == FALLBACK
        )


def _lexicon(categories: Sequence[Category]) -> frozenset[str]:
    words = {w for c in categories for w in c.keyword_list() if len(w) >= 2}
    return classifier.base_lexicon() | frozenset(words)


def _model(target: str) -> classifier.NaiveBayes | None:
    row = ClassifierModel.objects.filter(target=target).first()
    return classifier.NaiveBayes.from_json(row.params) if row is not None else None


def classify_text(text: str) -> tuple[Category | None, str, str, str]:
    """(category, category source, kind, kind source) for a letter's text. Categories: the active ones."""
    categories_ensure_defaults()
    categories = list(Category.objects.filter(is_active=True))
    if not categories:
        return None, Source.KEYWORDS, Kind.SUGGESTION, Source.KEYWORDS
    by_name = {c.name: c for c in categories}
    fallback = next((c for c in categories if c.is_fallback), categories[-1])
    lexicon = _lexicon(categories)
    threshold = float(setting("MAILBOX_CLASSIFIER_THRESHOLD", 0.6))
    cat = classifier.classify(
        text,
        model=_model("category"),
        labels=list(by_name),
        keywords={c.name: c.keyword_list() for c in categories},
        fallback=fallback.name,
        threshold=threshold,
        lexicon=lexicon,
    )
    kind = classifier.classify(
        text,
        model=_model("kind"),
        labels=list(Kind.values),
        keywords=classifier.KIND_KEYWORDS,
        fallback=Kind.SUGGESTION,
        threshold=threshold,
        lexicon=lexicon,
    )
    return by_name.get(cat.label, fallback), cat.source, kind.label, kind.source


def classifier_train() -> dict[str, int]:
    """Train both models on the seed letters plus every handler's correction; replace the stored models.

    A correction counts in place of the letter's seed label (the latest correction of a letter wins).
    Returns the number of training examples per target. Idempotent.
    """
    categories_ensure_defaults()
    categories = list(Category.objects.all())
    lexicon = _lexicon(categories)
    known = {c.name for c in categories}
    cat_samples: list[tuple[list[str], str]] = []
    kind_samples: list[tuple[list[str], str]] = []
    for ex in classifier.load_examples(classifier.SEED_FILE):
        feats = classifier.features(ex.text, lexicon)
        if ex.category in known:
            cat_samples.append((feats, ex.category))
        kind_samples.append((feats, ex.kind))
    seen_cat: dict[Any, str] = {}
    seen_kind: dict[Any, str] = {}
    letters: dict[Any, Letter] = {}
    for corr in Correction.objects.select_related("category", "letter").order_by("created_at", "id"):
        letters[corr.letter_id] = corr.letter
        if corr.category is not None:
            seen_cat[corr.letter_id] = corr.category.name
        if corr.kind:
            seen_kind[corr.letter_id] = corr.kind
    texts = {pk: _letter_text(letter) for pk, letter in letters.items()}
    for letter_id, name in seen_cat.items():
        cat_samples.append((classifier.features(texts[letter_id], lexicon), name))
    for letter_id, kind in seen_kind.items():
        kind_samples.append((classifier.features(texts[letter_id], lexicon), kind))
    now = timezone.now()
    for target, samples in (("category", cat_samples), ("kind", kind_samples)):
        model = classifier.NaiveBayes.train(samples)
        ClassifierModel.objects.update_or_create(
            target=target, defaults={"params": model.to_json(), "samples": len(samples), "trained_at": now}
        )
    return {"category": len(cat_samples), "kind": len(kind_samples)}


def _letter_text(letter: Letter) -> str:
    first = letter.messages.filter(author_kind=Author.WRITER).order_by("seq").first()
    return f"{letter.subject}。{first.body if first else ''}"


def _ensure_model() -> None:
    if not ClassifierModel.objects.exists():
        classifier_train()


# --------------------------------------------------------------------------------------------------------
# Letters: the writer's side (no actor for anonymous letters)


def _clean_text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise BusinessError(f"mailbox.{field}_required", f"请填写{label}")
    if len(value) > limit:
        raise BusinessError(f"mailbox.{field}_too_long", f"{label}不能超过 {limit} 个字")
    return value


def _store_files(uploads: Sequence[File[Any]], *, purpose: str, org: Org) -> list[Any]:
    from dangjian.core import uploads as upload_pipeline

    if len(uploads) > MAX_FILES:
        raise BusinessError("mailbox.too_many_files", f"附件最多 {MAX_FILES} 个")
    # Stored anonymously whether or not the letter is signed: the file rows never carry the writer or a time.
    return [
        upload_pipeline.file_store(actor=None, purpose=purpose, upload=f, org=org, anonymous=True)
        for f in uploads
    ]


def _recipient(org: Org) -> Org:
    if not org.is_active:
        raise BusinessError("mailbox.org_inactive", "该组织已撤销，请选择其他组织")
    return org


@transaction.atomic
def letter_submit(
    *,
    writer: Any,
    org: Org,
    subject: str,
    body: str,
    anonymous: bool,
    signed_name: str = "",
    contact: str = "",
    uploads: Sequence[File[Any]] = (),
) -> tuple[Letter, str]:
    """Post a letter to ``org``'s secretary; returns the letter and its receipt (shown once, never stored).

    Anonymous (``anonymous=True``): ``writer`` is ignored, no name or contact is kept, nothing is audited.
    Signed: a signed-in ``writer`` is recorded (audit ``mailbox.letter.submit``); without an account a 群众
    must leave a name (``mailbox.name_required``). The letter is classified on arrival.
    """
    org = _recipient(org)
    subject = _clean_text(subject, field="subject", label="标题", limit=SUBJECT_MAX)
    body = _clean_text(body, field="body", label="内容", limit=BODY_MAX)
    signed_user = None
    if anonymous:
        signed_name, contact = "", ""
    else:
        signed_user = writer if getattr(writer, "is_authenticated", False) else None
        signed_name = _clean_text(
            signed_name or (getattr(signed_user, "display_name", "") if signed_user else ""),
            field="name",
            label="署名",
            limit=50,
        )
        contact = _clean_text(contact, field="contact", label="联系方式", limit=100, required=False)
    _ensure_model()
    category, cat_source, kind, kind_source = classify_text(f"{subject}。{body}")
    today = timezone.localdate()
    code, digest = _receipt_pair()
    letter = Letter.objects.create(
        org=org,
        anonymous=anonymous,
        writer=signed_user,
        signed_name=signed_name,
        contact=contact,
        subject=subject,
        category=category,
        category_source=cat_source,
        kind=kind,
        kind_source=kind_source,
        received_on=today,
        receipt_hash=digest,
        receipt_expires_on=today + dt.timedelta(days=receipt_days()),
    )
    message = LetterMessage.objects.create(
        letter=letter, author_kind=Author.WRITER, body=body, created_on=today, seq=1
    )
    files = _store_files(uploads, purpose=LETTER_PURPOSE, org=org)
    if files:
        message.files.add(*files)
    if not anonymous and signed_user is not None:
        audit.record(actor=signed_user, action="mailbox.letter.submit", target=letter, org_path=org.path)
    return letter, code


@transaction.atomic
def letter_add(*, letter: Letter, body: str, uploads: Sequence[File[Any]] = ()) -> LetterMessage:
    """The writer adds to their letter (reached by receipt). Day only, no actor, not audited; a closed letter
    reopens. The handlers see that there is news."""
    body = _clean_text(body, field="body", label="补充内容", limit=BODY_MAX)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    seq = (letter.messages.aggregate(m=Max("seq"))["m"] or 0) + 1
    message = LetterMessage.objects.create(
        letter=letter, author_kind=Author.WRITER, body=body, created_on=timezone.localdate(), seq=seq
    )
    files = _store_files(uploads, purpose=LETTER_PURPOSE, org=letter.org)
    if files:
        message.files.add(*files)
    letter.has_news = True
    if letter.status == LetterStatus.CLOSED:
        letter.status, letter.closed_on = LetterStatus.IN_PROGRESS, None
    letter.save(update_fields=["has_news", "status", "closed_on"])
    return message


# --------------------------------------------------------------------------------------------------------
# Letters: the handlers' side


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("org").get(pk=letter.pk)


@transaction.atomic
def letter_open(*, actor: Any, letter: Letter) -> Letter:
    """A handler reads a letter: marked read, news seen. Audit ``mailbox.letter.read`` on every read."""
    _require_handler(actor, letter.org)
    letter = _locked(letter)
    if not letter.is_read or letter.has_news:
        letter.is_read, letter.has_news = True, False
        letter.save(update_fields=["is_read", "has_news"])
    audit.record(actor=actor, action="mailbox.letter.read", target=letter, org_path=letter.org.path)
    return letter


def letters_listed(*, actor: Any, letters: Sequence[Letter]) -> None:
    """A handler saw the subjects of ``letters`` in a list: audit ``mailbox.letter.list`` (how many, which
    organisations), so that even a glance at the inbox is on record."""
    if letters:
        audit.record(
            actor=actor,
            action="mailbox.letter.list",
            changes={"count": len(letters), "orgs": sorted({letter.org_id for letter in letters})},
        )


@transaction.atomic
def letter_mark_unread(*, actor: Any, letter: Letter) -> Letter:
    _require_handler(actor, letter.org)
    letter = _locked(letter)
    letter.is_read = False
    letter.save(update_fields=["is_read"])
    audit.record(actor=actor, action="mailbox.letter.mark_unread", target=letter, org_path=letter.org.path)
    return letter


def _open_letter(letter: Letter) -> None:
    if letter.status == LetterStatus.CLOSED:
        raise BusinessError("mailbox.closed", "来信已办结")


@transaction.atomic
def letter_assign(*, actor: Any, letter: Letter, assignee: Any, due_on: dt.date | None = None) -> Letter:
    """Give a letter to a colleague who is also a designated handler of its organisation; sets the due date
    (default: ``MAILBOX_DUE_DAYS`` from today when none is set). Audit ``mailbox.letter.assign``."""
    _require_handler(actor, letter.org)
    letter = _locked(letter)
    _open_letter(letter)
    if assignee is None or not is_handler(assignee, letter.org):
        raise BusinessError("mailbox.bad_assignee", "承办人必须是本组织指定的信箱办理人")
    letter.assignee = assignee
    if due_on is not None:
        _check_due(due_on)
        letter.due_on = due_on
    elif letter.due_on is None:
        letter.due_on = timezone.localdate() + dt.timedelta(days=default_due_days())
    if letter.status == LetterStatus.NEW:
        letter.status = LetterStatus.IN_PROGRESS
    letter.save(update_fields=["assignee", "due_on", "status"])
    audit.record(
        actor=actor,
        action="mailbox.letter.assign",
        target=letter,
        org_path=letter.org.path,
        changes={"assignee": assignee.pk, "due_on": letter.due_on},
    )
    return letter


def _check_due(due_on: dt.date) -> None:
    if due_on < timezone.localdate():
        raise BusinessError("mailbox.bad_due", "办理期限不能早于今天")


@transaction.atomic
def letter_set_due(*, actor: Any, letter: Letter, due_on: dt.date) -> Letter:
    """Set the date by which the letter must be answered. Audit ``mailbox.letter.set_due``."""
    _require_handler(actor, letter.org)
    letter = _locked(letter)
    _open_letter(letter)
    _check_due(due_on)
    old = letter.due_on
    letter.due_on = due_on
    letter.save(update_fields=["due_on"])
    audit.record(
        actor=actor,
        action="mailbox.letter.set_due",
        target=letter,
        org_path=letter.org.path,
        changes={"due_on": [old, due_on]},
    )
    return letter


@transaction.atomic
def letter_reply(*, actor: Any, letter: Letter, body: str) -> LetterMessage:
    """Answer the writer (who reads it with the receipt). Audit ``mailbox.letter.reply``."""
    _require_handler(actor, letter.org)
    body = _clean_text(body, field="reply", label="答复内容", limit=BODY_MAX)
    letter = _locked(letter)
    _open_letter(letter)
    seq = (letter.messages.aggregate(m=Max("seq"))["m"] or 0) + 1
    now = timezone.now()
    message = LetterMessage.objects.create(
        letter=letter,
        author_kind=Author.HANDLER,
        author=actor,
        body=body,
        created_on=timezone.localdate(now),
        created_at=now,
        seq=seq,
    )
    letter.status, letter.is_read = LetterStatus.REPLIED, True
    letter.save(update_fields=["status", "is_read"])
    audit.record(actor=actor, action="mailbox.letter.reply", target=letter, org_path=letter.org.path)
    return message


@transaction.atomic
def letter_close(*, actor: Any, letter: Letter) -> Letter:
    """Close a letter (办结). A letter with no reply cannot be closed. Audit ``mailbox.letter.close``."""
    _require_handler(actor, letter.org)
    letter = _locked(letter)
    _open_letter(letter)
    if not letter.messages.filter(author_kind=Author.HANDLER).exists():
        raise BusinessError("mailbox.no_reply", "请先答复来信人再办结")
    letter.status, letter.closed_on = LetterStatus.CLOSED, timezone.localdate()
    letter.save(update_fields=["status", "closed_on"])
    audit.record(actor=actor, action="mailbox.letter.close", target=letter, org_path=letter.org.path)
    return letter


@transaction.atomic
def letter_correct(*, actor: Any, letter: Letter, category: Category | None = None, kind: str = "") -> Letter:
    """Correct a letter's category and/or kind (one click); the correction retrains the classifier (a Huey
    task after commit). Audit ``mailbox.letter.correct``."""
    _require_handler(actor, letter.org)
    letter = _locked(letter)
    if category is None and not kind:
        raise BusinessError("mailbox.nothing_to_correct", "请选择更正后的类别或性质")
    if category is not None and not category.is_active:
        raise BusinessError("mailbox.category_inactive", "该类别已停用")
    if kind and kind not in Kind.values:
        raise BusinessError("mailbox.bad_kind", "未知的来信性质")
    changes: dict[str, Any] = {}
    if category is not None and category.pk != letter.category_id:
        changes["category"] = [letter.category.name if letter.category else "", category.name]
        letter.category, letter.category_source = category, Source.HANDLER
    if kind and kind != letter.kind:
        changes["kind"] = [letter.kind, kind]
        letter.kind, letter.kind_source = kind, Source.HANDLER
    if not changes:
        return letter
    letter.save(update_fields=["category", "category_source", "kind", "kind_source"])
    Correction.objects.create(
        letter=letter,
        category=category if "category" in changes else None,
        kind=kind if "kind" in changes else "",
        corrected_by=actor,
    )
    audit.record(
        actor=actor, action="mailbox.letter.correct", target=letter, org_path=letter.org.path, changes=changes
    )
    from dangjian.mailbox import tasks

    transaction.on_commit(tasks.classifier_retrain)
    return letter


# --------------------------------------------------------------------------------------------------------
# Categories (configuration)


def _require_configure(actor: Any) -> None:
    if not scope.has_permission(actor, CONFIGURE):
        raise BusinessError("mailbox.forbidden", "无权维护来信类别")


@transaction.atomic
def category_save(
    *,
    actor: Any,
    name: str,
    keywords: str = "",
    sort_order: int = 100,
    is_active: bool = True,
    is_fallback: bool = False,
    category: Category | None = None,
) -> Category:
    """Create or change a category. One fallback category at most; the fallback cannot be retired.
    Audit ``mailbox.category.create`` / ``mailbox.category.update``."""
    _require_configure(actor)
    name = _clean_text(name, field="category_name", label="类别名称", limit=30)
    clash = Category.objects.filter(name=name)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    other_fallbacks = Category.objects.all() if category is None else Category.objects.exclude(pk=category.pk)
    if clash.exists():
        raise BusinessError("mailbox.category_exists", "已有同名类别")
    if is_fallback and not is_active:
        raise BusinessError("mailbox.fallback_inactive", "兜底类别不能停用")
    if is_fallback:
        other_fallbacks.update(is_fallback=False)
    data = {
        "name": name,
        "keywords": " ".join(keywords.replace("，", " ").replace(",", " ").split())[:1000],
        "sort_order": sort_order,
        "is_active": is_active,
        "is_fallback": is_fallback,
    }
    changes: dict[str, Any]
    if category is None:
        category = Category.objects.create(**data)
        action = "mailbox.category.create"
        changes = {"name": name}
    else:
        changes = audit.diff(category, data)
        for key, value in data.items():
            setattr(category, key, value)
        category.save()
        action = "mailbox.category.update"
    audit.record(actor=actor, action=action, target=category, changes=changes)
    return category


# --------------------------------------------------------------------------------------------------------
# 随手拍


@transaction.atomic
def snapshot_submit(
    *,
    reporter: Any,
    org: Org,
    description: str,
    anonymous: bool,
    location: str = "",
    uploads: Sequence[File[Any]] = (),
) -> tuple[SnapshotReport, str]:
    """File a 随手拍 report with at least one photo or video; returns it and its receipt (shown once).

    Anonymous: no reporter, nothing audited. Signed (signed-in reporter only): audit
    ``mailbox.snapshot.submit``.
    """
    org = _recipient(org)
    description = _clean_text(description, field="description", label="问题描述", limit=1000)
    location = _clean_text(location, field="location", label="位置", limit=200, required=False)
    if not uploads:
        raise BusinessError("mailbox.media_required", "请拍摄或选择一张照片或一段视频")
    signed_user = None if anonymous else (reporter if getattr(reporter, "is_authenticated", False) else None)
    if not anonymous and signed_user is None:
        raise BusinessError("mailbox.sign_in_to_sign", "署名反映请先登录；未登录时请选择匿名")
    today = timezone.localdate()
    code, digest = _receipt_pair()
    report = SnapshotReport.objects.create(
        org=org,
        anonymous=anonymous,
        reporter=signed_user,
        description=description,
        location=location,
        received_on=today,
        receipt_hash=digest,
        receipt_expires_on=today + dt.timedelta(days=receipt_days()),
    )
    report.files.add(*_store_files(uploads, purpose=SNAPSHOT_PURPOSE, org=org))
    if signed_user is not None:
        audit.record(actor=signed_user, action="mailbox.snapshot.submit", target=report, org_path=org.path)
    return report, code


@transaction.atomic
def snapshot_open(*, actor: Any, report: SnapshotReport) -> SnapshotReport:
    """A handler reads a report. Audit ``mailbox.snapshot.read``."""
    _require_handler(actor, report.org)
    audit.record(actor=actor, action="mailbox.snapshot.read", target=report, org_path=report.org.path)
    return report


@transaction.atomic
def snapshot_advance(
    *,
    actor: Any,
    report: SnapshotReport,
    to: str,
    note: str = "",
    assignee: Any = None,
    due_on: dt.date | None = None,
) -> SnapshotReport:
    """Move a case one step (``CASE_TRANSITIONS``): 受理, 分派 (needs a handler as 整改责任人 and a due date),
    整改, 复核 (back to 整改 with a reason), 销号, or 不予受理 (with a reason).
    Audit ``mailbox.snapshot.advance``."""
    _require_handler(actor, report.org)
    report = SnapshotReport.objects.select_for_update().select_related("org").get(pk=report.pk)
    if to not in CASE_TRANSITIONS.get(report.status, ()):
        raise BusinessError("mailbox.bad_transition", "当前状态不能进行该操作")
    note = _clean_text(note, field="note", label="说明", limit=1000, required=False)
    sent_back = report.status == CaseStatus.REVIEWING and to == CaseStatus.RECTIFYING
    if (to == CaseStatus.DECLINED or sent_back) and not note:
        raise BusinessError("mailbox.note_required", "请填写理由")
    fields = ["status"]
    if to == CaseStatus.ASSIGNED:
        if assignee is None or not is_handler(assignee, report.org):
            raise BusinessError("mailbox.bad_assignee", "整改责任人必须是本组织指定的办理人")
        if due_on is None:
            raise BusinessError("mailbox.due_required", "请设定整改期限")
        _check_due(due_on)
        report.assignee, report.due_on = assignee, due_on
        fields += ["assignee", "due_on"]
    if to in (CaseStatus.CLOSED, CaseStatus.DECLINED):
        report.closed_on = timezone.localdate()
        fields.append("closed_on")
    old = report.status
    report.status = to
    report.save(update_fields=fields)
    CaseStep.objects.create(report=report, status=to, note=note, actor=actor)
    audit.record(
        actor=actor,
        action="mailbox.snapshot.advance",
        target=report,
        org_path=report.org.path,
        changes={"status": [old, to]},
    )
    return report
