"""A multi-force phrase row of ``data/regions.jsonl`` may say what it ``needs``: words one of
which every match of its regex holds; the region finder does not scan a paragraph without any
of them. Skipping must change nothing: the phrases found are the ones a full scan finds."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from _articles import real_article_texts
from misconduct_nlp import forces

ROWS = [json.loads(line) for line in
        resources.files("misconduct_nlp").joinpath("data", "regions.jsonl").read_text("utf-8").splitlines()
        if line.strip()]
NEEDY = [r for r in ROWS if r.get("needs")]

# our own sentences, each with a multi-force phrase, a near miss or both
SENTENCES = [
    "Figures from the four Welsh forces show 40 officers were dismissed, and British police forces 300.",
    "Police forces nationally recorded 1,200 complaints; forces nationwide sacked 90 officers.",
    "Every police force in England and Wales replied, and each force in the country was named.",
    "Scotland's eight police forces merged in 2013, while England's 39 forces did not.",
    "The special forces nationwide and the armed forces in Wales are not police forces.",
    "In 2019 forty-three forces across the UK, all 43 police forces in England and Wales, replied.",
    "British forces in Iraq, English football and Welsh rugby: none of these is a police force.",
    "The force said each of its officers had been told; every officer in the force was vetted.",
    "NATIONALLY, FORCES NATIONALLY SAID SO. Scotland’s police forces and the Scottish police forces.",
]


def _texts() -> list[str]:
    texts = list(SENTENCES)
    for row in ROWS:
        texts += [ex[0] if isinstance(ex, list) else ex for ex in row.get("examples", [])]
        texts += list(row.get("not_examples", []))
    return texts + real_article_texts()


def test_some_rows_say_what_they_need():
    assert {r["name"] for r in NEEDY} >= {"national adjective", "forces nationally"}


@pytest.mark.parametrize("row", NEEDY, ids=lambda r: r["name"])
def test_every_example_holds_a_needed_word(row):
    regions = forces._regions()
    k = [r for r in ROWS if r.get("kind") == "multi_force"].index(row)
    regex, _, needs = regions.multi[k]
    assert needs is not None
    for example in row["examples"]:
        text = example[0] if isinstance(example, list) else example
        found = [m.group() for m in regex.finditer(text)]
        assert found, text
        assert all(needs.regex.search(m) for m in found), (text, found)
        assert all(needs.found(m, 0, len(m), m.lower() if m.isascii() else None) for m in found)


@pytest.mark.parametrize("words", [["Welsh", "Scottish"], ["every", "each"], ["nationally"], ["ſcots"]])
@pytest.mark.parametrize("para", [
    "All WELSH forces", "every force", "Each of the forces", "forces across the nation", "",
    "the Scots and the Welsh", "ﬁve Scottish forces", "\u212aent forces", "İstanbul forces",
    "nationallY, forces", "a welshman's force",
])
def test_needed_words_are_found_as_their_regex_finds_them(words, para):
    needs = forces._Needs(words)
    text = "x\n\n" + para + "\n\ny"
    start, end = 3, 3 + len(para)
    low = para.lower() if para.isascii() else None
    assert needs.found(text, start, end, low) == (needs.regex.search(text, start, end) is not None)


@pytest.mark.parametrize("row", NEEDY, ids=lambda r: r["name"])
def test_without_its_needed_words_the_regex_matches_nothing(row):
    # every way through the regex goes through one of the needed words: put a regex that
    # never matches in their place and nothing matches, on any of the texts
    stripped = row["regex"]
    for word in row["needs"]:
        stripped, n = re.subn(rf"(?<![\w\\]){re.escape(word)}(?!\w)", "(?!)", stripped)
        assert n, (row["name"], word)  # each needed word is in the regex as a word
    regex = re.compile(stripped.replace("{QUANT}", r"\d+").replace("{REGION_G}", "(?P<region>Wales)")
                       .replace("{TAIL}", ""), re.I)
    for text in _texts():
        assert regex.search(text) is None, (row["name"], text[:80])


def test_skipping_paragraphs_finds_what_a_full_scan_finds():
    rows = tuple(ROWS)
    skipping = forces._Regions(rows)
    full = forces._Regions(tuple({k: v for k, v in r.items() if k != "needs"} for r in rows))
    assert all(needs is None for _, _, needs in full.multi)
    found = 0
    for text in _texts():
        mentions = forces.find_force_mentions(text)
        got = skipping.find(text, mentions)
        assert got == full.find(text, mentions), text[:80]
        found += len(got)
    assert found > 20
