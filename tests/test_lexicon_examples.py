"""Every lexicon entry carries the examples it exists for; this one test runs them all."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from misconduct_nlp import extract
from misconduct_nlp.lexicon import GROUPS, entries, numbers_data

PUBLISHED = "2022-06-30"


def _examples():
    for group in GROUPS:
        for e in entries(group):
            for k, ex in enumerate(e.examples):
                yield pytest.param(ex, id=f"{group}:{e.label}:{k}")
    data = numbers_data()
    for p in data["phrases"]:
        for k, ex in enumerate(p["examples"]):
            yield pytest.param(ex, id=f"numbers:{' '.join(p['words'])}:{k}")
    for c in data["contexts"]:
        for k, ex in enumerate(c["examples"]):
            yield pytest.param(ex, id=f"not-a-claim:{c['name']}:{k}")


@pytest.mark.parametrize("example", list(_examples()))
def test_lexicon_example(example, nlp):
    claims = extract(example["text"], published=PUBLISHED, nlp=nlp)
    if "not_value" in example:
        assert all(c.value != example["not_value"] for c in claims), [c.to_dict() for c in claims]
        assert claims, "the example's real figure should still be found"
        return
    hits = [c for c in claims if abs(c.value - example["value"]) < 1e-6
            and c.unit == example.get("unit", c.unit)]
    assert hits, f"no claim of {example['value']} in {[c.to_dict() for c in claims]}"
    claim = hits[0].to_dict()
    for field in ("measure", "subject", "rank", "unit", "approx", "platforms"):
        if field in example:
            assert claim[field] == example[field], (field, claim)


def _sentence_examples():
    path = resources.files("misconduct_nlp").joinpath("data", "sentences.json")
    for k, ex in enumerate(json.loads(path.read_text(encoding="utf-8"))["examples"]):
        yield pytest.param(ex, id=f"sentences:{k}")


@pytest.mark.parametrize("example", list(_sentence_examples()))
def test_sentence_example(example, nlp):
    doc = nlp(example["text"])
    sents = [s for s in doc.sents if s.text.strip()]
    assert len(sents) == example["sentences"], [s.text for s in sents]


def _furniture_examples():
    from misconduct_nlp.lexicon import furniture_data

    for row in furniture_data()["lines"]:
        for ex in row["examples"]:
            yield pytest.param(ex, id=f"furniture:{ex}")


@pytest.mark.parametrize("line", list(_furniture_examples()))
def test_furniture_example(line):
    from misconduct_nlp.components.sentencizer import is_furniture

    assert is_furniture(line)
