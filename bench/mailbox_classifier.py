"""Accuracy of the 书记信箱 classifier on the held-out letters (issue 8; results in bench/RESULTS.md).

    .venv/bin/python bench/mailbox_classifier.py [--threshold 0.6]

Trains the multinomial naive Bayes exactly as ``mailbox.services.classifier_train`` does (seed letters
``dangjian/mailbox/data/letters_seed.jsonl``, the default categories' keywords in the lexicon) and classifies the
60 held-out letters (``letters_heldout.jsonl``, written separately: none of their sentences occurs in the seed)
as ``services.classify_text`` does (model when its posterior reaches the threshold, else the category keywords,
else the model's best guess). Prints accuracy for the category and the kind, the model alone and with the
keyword fallback, per-category recall and the confusions. Pure Python: no database.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dangjian.mailbox import classifier
from dangjian.mailbox.defaults import DEFAULT_CATEGORIES, FALLBACK

KIND_LABELS = {"report": "举报", "complaint": "投诉", "suggestion": "建议", "help": "求助"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.6)
    args = parser.parse_args()
    keywords = {name: words.split() for name, words in DEFAULT_CATEGORIES}
    lexicon = classifier.base_lexicon() | frozenset(w for ws in keywords.values() for w in ws if len(w) >= 2)
    seed = classifier.load_examples(classifier.SEED_FILE)
    held = classifier.load_examples(classifier.HELDOUT_FILE)
    seed_sentences = {s for e in seed for s in e.text.replace("。", "，").split("，")}
    overlap = sum(
        1 for e in held for s in e.text.replace("。", "，").split("，") if s and s in seed_sentences
    )
    t0 = time.perf_counter()
    cat_model = classifier.NaiveBayes.train((classifier.features(e.text, lexicon), e.category) for e in seed)
    kind_model = classifier.NaiveBayes.train((classifier.features(e.text, lexicon), e.kind) for e in seed)
    train_ms = (time.perf_counter() - t0) * 1000
    labels = [name for name, _ in DEFAULT_CATEGORIES]
    results = {"category": Counter(), "kind": Counter()}
    recall: dict[str, Counter[str]] = {name: Counter() for name in labels}
    confusions: Counter[tuple[str, str]] = Counter()
    sources: Counter[str] = Counter()
    t0 = time.perf_counter()
    for e in held:
        alone = classifier.classify(
            e.text,
            model=cat_model,
            labels=labels,
            keywords={},
            fallback=FALLBACK,
            threshold=0.0,
            lexicon=lexicon,
        )
        full = classifier.classify(
            e.text,
            model=cat_model,
            labels=labels,
            keywords=keywords,
            fallback=FALLBACK,
            threshold=args.threshold,
            lexicon=lexicon,
        )
        kind_alone = classifier.classify(
            e.text, model=kind_model, labels=list(KIND_LABELS), keywords={}, fallback="suggestion", threshold=0.0,
            lexicon=lexicon,
        )  # fmt: skip
        kind_full = classifier.classify(
            e.text,
            model=kind_model,
            labels=list(KIND_LABELS),
            keywords=classifier.KIND_KEYWORDS,
            fallback="suggestion",
            threshold=args.threshold,
            lexicon=lexicon,
        )
        results["category"]["model"] += alone.label == e.category
        results["category"]["model+keywords"] += full.label == e.category
        results["kind"]["model"] += kind_alone.label == e.kind
        results["kind"]["model+keywords"] += kind_full.label == e.kind
        sources[full.source] += 1
        recall[e.category]["n"] += 1
        recall[e.category]["ok"] += full.label == e.category
        if full.label != e.category:
            confusions[(e.category, full.label)] += 1
    per_letter_ms = (time.perf_counter() - t0) * 1000 / len(held) / 4
    n = len(held)
    print(
        f"seed letters: {len(seed)}, held-out letters: {n}, held-out sentences found in the seed: {overlap}"
    )
    print(f"training both models: {train_ms:.0f} ms; classifying one letter: {per_letter_ms:.2f} ms")
    print(f"threshold {args.threshold}; category decided by: {dict(sources)}")
    print("| | model alone | model + keyword fallback |")
    print("|---|---|---|")
    for target in ("category", "kind"):
        r = results[target]
        print(
            f"| {target} | {r['model']}/{n} = {r['model'] / n:.1%} | "
            f"{r['model+keywords']}/{n} = {r['model+keywords'] / n:.1%} |"
        )
    print(
        "\nper category (model + keywords): "
        + ", ".join(f"{k} {v['ok']}/{v['n']}" for k, v in recall.items())
    )
    print(
        "confusions (true → given): " + ", ".join(f"{a}→{b} ×{c}" for (a, b), c in confusions.most_common())
    )


if __name__ == "__main__":
    main()
