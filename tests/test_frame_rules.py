"""Every named frame rule carries the short articles it exists for; this one test runs them all."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from misconduct_nlp import extract
from misconduct_nlp.discourse import frame_rules
from misconduct_nlp.model import SOURCES

RULES = frame_rules()


def _cases():
    for rule in RULES:
        for k, ex in enumerate(rule["examples"]):
            for want in ex["expect"]:
                yield pytest.param(rule, ex, want, id=f"{rule['name']}:{k}:{want.get('value', '')}")


def _decided_by(claim: dict, attribute: str) -> tuple[str | None, str | None]:
    if attribute == "region":
        return claim["region_source"], claim["region_rule"]
    ref = claim[attribute] or {}
    return ref.get("source"), ref.get("rule")


@pytest.mark.parametrize(("rule", "example", "want"), list(_cases()))
def test_frame_rule_example(rule, example, want, nlp):
    if rule["attribute"] == "window":  # the frame's own window, not a claim's attribute
        from datetime import date

        doc = nlp.make_doc(example["text"])
        doc._.published = date.fromisoformat(example["published"])
        frame = nlp(doc)._.frame
        window = frame.window
        assert [window.start.isoformat(), window.end.isoformat()] == want["window"]
        assert (frame.evidence["window"].rule, window.rule) == (rule["name"], rule["name"])
        return
    claims = [c.to_dict() for c in extract(example["text"], published=example["published"], nlp=nlp)]
    hits = [c for c in claims if abs(c["value"] - want["value"]) < 1e-6
            and want.get("quote", "") in c["sentence"]["text"]]
    assert hits, f"no claim of {want['value']} in {claims}"
    claim = hits[0]
    for attr in ("force", "region", "period", "subject"):
        if attr not in want:
            continue
        got = claim[attr]
        if attr == "force":
            got = got["id"] if got else None
        elif attr == "period":
            got = [got["start"], got["end"]] if got else None
        assert got == want[attr], (attr, claim)
    attribute = rule["attribute"]
    if attribute != "subject" and claim[attribute] is not None:  # subjects carry no provenance
        source, name = _decided_by(claim, attribute)
        assert (source in rule["sources"], name) == (True, rule["name"]), claim


def test_rules_are_well_formed():
    names = [r["name"] for r in RULES]
    assert len(names) == len(set(names))
    for r in RULES:
        assert r["attribute"] in ("force", "region", "period", "subject", "window")
        assert r["sources"] and set(r["sources"]) <= set(SOURCES)
        assert r["statement"] and r["examples"]
        for ex in r["examples"]:
            date.fromisoformat(ex["published"])


def test_every_rule_the_code_uses_is_named_in_the_data():
    """The rule names written into claims are the data's (a typo in the code fails here)."""
    src = Path(__file__).parents[1] / "src" / "misconduct_nlp"
    files = (src / "discourse.py", src / "components" / "claims.py")
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    used = set(re.findall(r'rule="(\w+)"', text)) | set(re.findall(r'period_rule = "(\w+)"', text))
    used |= set(re.findall(r'tagged\("\w+", "(\w+)"\)', text))
    used |= set(re.findall(r'set_(?:force|region)\([^,()]+, "(\w+)"\)', text))
    used |= set(re.findall(r'else "(no_frame)"', text))
    used |= set(re.findall(r'sp.end_char, "(\w+)"\)', text))
    used |= {f"{s}_{k}" for s in ("clause", "sentence") for k in ("force", "area", "period")}
    assert len(used) > 20
    assert used <= {r["name"] for r in RULES}, used - {r["name"] for r in RULES}


def _not_cases():
    for rule in RULES:
        for k, ex in enumerate(rule.get("not_examples", [])):
            for want in ex["expect"]:
                yield pytest.param(ex, want, id=f"{rule['name']}:not{k}:{want.get('value', '')}")


@pytest.mark.parametrize(("example", "want"), list(_not_cases()))
def test_frame_rule_not_example(example, want, nlp):
    """Where a rule must not fire: the claim keeps the attributes the other rules give it."""
    claims = [c.to_dict() for c in extract(example["text"], published=example["published"], nlp=nlp)]
    hits = [c for c in claims if abs(c["value"] - want["value"]) < 1e-6]
    assert hits, f"no claim of {want['value']} in {claims}"
    for attr in ("force", "region"):
        if attr in want:
            got = hits[0][attr]
            assert (got["id"] if attr == "force" and got else got) == want[attr], (attr, hits[0])
