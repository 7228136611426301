"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

Self-assessments, 对照检查材料, talk summaries, grades received and the ratings behind them are personal. What
marks a member as failing or explains why they are out — a 不合格 grade (proposed or final), the facts behind
it, exclusion reasons (detention, 留党察看, illness …) and the follow-up of 不合格 (限期改正, 劝退, 除名) — is
sensitive: shown only to those who read the branch's 组织生活 and never written to the audit log. Ballots are
not stored (models docstring): the counters hold no rater.
"""

_P, _I, _PE, _S = "public", "internal", "personal", "sensitive"

INVENTORY: dict[str, dict[str, str]] = {
    "appraisal.lifemeeting": {
        "id": _I,
        "org": _I,
        "year": _I,
        "topic": _I,
        "meeting": _I,
        "material_due": _I,
        "created_by": _I,
        "created_at": _I,
    },
    "appraisal.hearttoheart": {
        "id": _I,
        "life_meeting": _I,
        "initiator": _PE,  # who talked with whom
        "partner": _PE,
        "talked_on": _PE,
        "topics": _PE,
        "summary": _S,  # what a member confided: problems, criticism, family or health matters
        "recorded_by": _I,
        "created_at": _I,
    },
    "appraisal.selfexamination": {
        "id": _I,
        "life_meeting": _I,
        "member": _PE,
        "text": _PE,  # the member's self-criticism
        "file": _PE,
        "status": _PE,
        "review_note": _PE,
        "submitted_at": _PE,
        "reviewed_by": _I,
        "reviewed_at": _I,
    },
    "appraisal.appraisal": {
        "id": _I,
        "org": _I,
        "year": _I,
        "title": _I,
        "status": _I,
        "rating_until": _I,
        "meeting": _I,
        "closed_at": _I,
        "proposed_on": _I,
        "excellent_reason": _PE,  # may name the members rated 优秀
        "confirmed_on": _I,
        "decision": _PE,  # the 党员大会's decision, may name members
        "filed_by": _I,
        "filed_at": _I,
        "filed_note": _PE,
        "created_by": _I,
        "created_at": _I,
    },
    "appraisal.participant": {
        "id": _I,
        "appraisal": _I,
        "member": _PE,
        "member_status": _PE,  # 正式/预备
        "excluded_reason": _S,  # e.g. detained, under 留党察看, bedridden
        "excluded_note": _S,
        "self_assessment": _PE,
        "self_grade": _PE,
        "self_assessed_at": _PE,
        "proposed_grade": _S,  # a 不合格 grade is sensitive; the column holds it
        "proposal_note": _S,  # the facts behind a 不合格
        "final_grade": _S,
    },
    "appraisal.ballotreceipt": {
        "id": _I,
        "appraisal": _I,
        "rater": _PE,  # that a member voted (never how)
    },
    "appraisal.ratingtally": {
        "id": _I,
        "participant": _I,
        "excellent": _PE,  # the ratings a member received
        "qualified": _PE,
        "basic": _PE,
        "unqualified": _S,
    },
    "appraisal.followup": {
        "id": _I,
        "participant": _S,  # names a member rated 不合格
        "kind": _S,
        "disposal": _S,
        "decided_on": _S,
        "deadline": _S,
        "measures": _S,
        "outcome": _S,
        "closed_on": _S,
        "created_by": _I,
        "created_at": _I,
    },
}
