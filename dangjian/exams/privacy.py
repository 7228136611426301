"""Personal-information classes of this app's fields (merged into dangjian.core.privacy.INVENTORY).

Questions, papers and exams are internal work material. An attempt — who took which exam, when, with what
answers, score and result, how often they left the page — is personal; so are the 错题本 and practice sets.
"""

_I, _PE = "internal", "personal"

INVENTORY: dict[str, dict[str, str]] = {
    "exams.questionbank": dict.fromkeys(
        ["id", "org", "name", "description", "shared_down", "created_by", "created_at"], _I
    ),
    "exams.question": dict.fromkeys(
        [
            "id",
            "bank",
            "kind",
            "stem",
            "options",
            "answer",
            "explanation",
            "difficulty",
            "tags",
            "source",
            "fingerprint",
            "is_active",
            "created_at",
        ],
        _I,
    ),
    "exams.paper": dict.fromkeys(
        ["id", "org", "title", "mode", "shuffle_questions", "shuffle_options", "created_by", "created_at"], _I
    ),
    "exams.paperitem": dict.fromkeys(["id", "paper", "question", "score", "position"], _I),
    "exams.paperrule": dict.fromkeys(
        ["id", "paper", "bank", "kind", "tag", "difficulty", "count", "score", "position"], _I
    ),
    "exams.exam": dict.fromkeys(
        [
            "id",
            "org",
            "paper",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "duration_minutes",
            "max_attempts",
            "pass_score",
            "required",
            "show_answers",
            "status",
            "makeup_of",
            "target_orgs",
            "candidates",
            "reminded_at",
            "created_by",
            "created_at",
        ],
        _I,
    ),
    "exams.attempt": {
        "id": _I,
        "exam": _I,
        "user": _PE,
        "member": _PE,
        "taker_org": _I,
        "number": _PE,
        "status": _PE,
        "layout": _I,
        "started_at": _PE,
        "deadline": _PE,
        "submitted_at": _PE,
        "auto_submitted": _PE,
        "max_score": _I,
        "score": _PE,
        "passed": _PE,
        "pending_grading": _I,
        "leave_count": _PE,
        "row_mac": _I,
        "save_tokens": _I,  # the save rate limit's bucket
        "save_tokens_at": _I,
        "mistakes_pending": _I,  # the 错题本 filing after the submission (a processing flag)
    },
    "exams.answer": {
        "id": _I,
        "attempt": _PE,
        "question": _I,
        "position": _I,
        "max_score": _I,
        "response": _PE,
        "seq": _I,
        "saved_at": _PE,
        "is_correct": _PE,
        "score": _PE,
        "comment": _PE,
        "graded_by": _I,
        "graded_at": _I,
    },
    "exams.mistakebook": {
        "id": _I,
        "user": _PE,
        "question": _I,
        "last_response": _PE,
        "wrong_count": _PE,
        "resolved": _PE,
        "first_wrong_at": _PE,
        "updated_at": _PE,
    },
    "exams.dailypractice": {
        "id": _I,
        "user": _PE,
        "kind": _I,
        "day": _PE,
        "tag": _I,
        "questions": _I,
        "results": _PE,
        "created_at": _PE,
    },
}
