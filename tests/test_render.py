"""render(): an article as HTML with each claim's sentence and number highlighted, escaped."""

from __future__ import annotations

import html
import re
import sys
import types
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from misconduct_nlp import Claim, ForceRef, PeriodRef, TextSpan
from misconduct_nlp.render import HTML, claim_label, highlight, place, render

ARTICLE = (
    "Kent officers sacked <after> inquiry\n\n"
    "Some 12 Kent Police officers were sacked last year, figures show. "
    "A further 3 resigned & 40% of complaints were upheld.\n"
)


def make_claim(text: str, number: str, sentence: str, *, occurrence: int = 0, **fields) -> Claim:
    """A Claim whose sentence and number offsets are found in ``text`` (as the extractor sets them)."""
    s = text.index(sentence)
    n = s - 1
    for _ in range(occurrence + 1):
        n = text.index(number, n + 1)
    fields.setdefault("value", float(re.sub(r"[^\d.]", "", number)))
    fields.setdefault("unit", "count")
    fields.setdefault("approx", "exact")
    return Claim(sentence=TextSpan(sentence, s, s + len(sentence)),
                 span=TextSpan(number, n, n + len(number)), **fields)


SENT1 = "Some 12 Kent Police officers were sacked last year, figures show."
SENT2 = "A further 3 resigned & 40% of complaints were upheld."


def kent_claims() -> list[Claim]:
    kent = ForceRef("kent", "Kent Police", "Kent Police", 100.0)
    return [
        make_claim(ARTICLE, "12", SENT1, measure="dismissed", subject="officer", force=kent,
                   period=PeriodRef(date(2023, 1, 1), date(2023, 12, 31), "last year"),
                   article="kent", confidence=0.9),
        make_claim(ARTICLE, "3", SENT2, measure="resigned", subject="officer", article="kent",
                   force=ForceRef("kent", "Kent Police", "Kent Police", 100.0, inherited=True)),
        make_claim(ARTICLE, "40%", SENT2, value=40, unit="percent", measure="upheld", article="kent"),
    ]


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def test_marks_sentences_numbers_and_labels():
    out = render(ARTICLE, kent_claims())
    assert isinstance(out, HTML) and isinstance(out, str)
    assert out._repr_html_() == str(out)
    # one sentence mark per claimed sentence (two claims share the second one)
    assert out.count('<mark class="mn-sent"') == 2
    nums = re.findall(r'<mark class="mn-num"[^>]*>([^<]*)</mark>', out)
    assert nums == ["12", "3", "40%"]
    labels = re.findall(r'<span class="mn-label"[^>]*>([^<]*)</span>', out)
    assert labels == ["12 · dismissed · officer · Kent Police · 2023-01-01 – 2023-12-31",
                      "3 · resigned · officer · Kent Police", "40% · upheld"]
    # the headline carries no claim and is not highlighted
    assert "Kent officers sacked &lt;after&gt; inquiry\n\n<mark" in out
    assert "3 claims in kent" not in out  # no id was given
    assert "3 claims" in out


def test_the_text_survives_intact_without_labels():
    out = render(ARTICLE, kent_claims(), labels=False)
    body = re.search(r'<div class="mn-article"[^>]*>(.*)</div></div>$', out, re.S).group(1)
    assert strip_tags(body) == ARTICLE


def test_article_text_is_escaped():
    text = ("<script>document.title='pwned'</script> Chief says \"7 officers\" & more.\n"
            "In all 7 officers were sacked <img src=x onerror=alert(1)>.\n")
    sent = "In all 7 officers were sacked <img src=x onerror=alert(1)>."
    claim = make_claim(text, "7", sent, measure="dismissed", article="x",
                       force=ForceRef("kent", 'Kent "Police" <b>', '"Kent" <i>', 90.0))
    out = render(text, [claim])
    assert "<script" not in out and "<img" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    # the tooltip attribute cannot be closed by a quote in the force name
    titles = re.findall(r'title="([^"]*)"', out)
    assert titles and 'Kent &quot;Police&quot; &lt;b&gt;' in titles[0]


def test_claim_dicts_render_like_claims():
    claims = kent_claims()
    assert render(ARTICLE, [c.to_dict() for c in claims]) == render(ARTICLE, claims)


def test_claims_of_other_articles_are_left_out():
    claims = kent_claims()
    claims[1].article = "another-article"
    out = render(ARTICLE, claims, article_id="kent")
    assert re.findall(r'<mark class="mn-num"[^>]*>([^<]*)</mark>', out) == ["12", "40%"]
    assert "2 claims in kent" in out


def test_stale_offsets_are_found_again_and_missing_claims_reported():
    shifted = "Updated. " + ARTICLE  # offsets now point 9 characters too early
    claims = kent_claims()
    claims.append(make_claim("Elsewhere 99 were fired.", "99", "Elsewhere 99 were fired.", article="kent"))
    out = render(shifted, claims)
    assert re.findall(r'<mark class="mn-num"[^>]*>([^<]*)</mark>', out) == ["12", "3", "40%"]
    assert "1 claim(s) could not be found" in out


def test_repeated_number_picks_the_occurrence_the_offsets_name():
    text = "In 2020 there were 5 cases. In 2021 there were 5 cases.\n"
    second = "In 2021 there were 5 cases."
    claim = make_claim(text, "5", second, article="t", measure="reported")
    placed, lost = place(text, [claim])
    assert not lost and placed[0].num == (text.index("5 cases.", 20), text.index("5 cases.", 20) + 1)
    # with broken offsets, the number is still looked for inside its own sentence
    rec = claim.to_dict()
    rec["span"]["start"] = rec["span"]["end"] = 0
    placed, _ = place(text, [rec])
    assert placed[0].num[0] > text.index(second)


def test_two_claims_on_the_same_number_share_one_mark():
    claims = kent_claims()[:1]
    twin = claims[0].to_dict() | {"measure": "other"}
    out = render(ARTICLE, [claims[0], twin], labels=True)
    assert out.count('<mark class="mn-num"') == 1
    assert out.count('<span class="mn-label"') == 2


def test_a_spacy_doc_brings_its_own_claims():
    import spacy

    import misconduct_nlp.extensions  # noqa: F401  (registers doc._.claims)

    doc = spacy.blank("en")(ARTICLE)
    doc._.claims = kent_claims()
    doc._.article_id = "kent"
    out = render(doc)
    assert "3 claims in kent" in out
    assert out.count('<mark class="mn-num"') == 3


def test_text_without_claims_is_extracted(monkeypatch):
    seen = {}

    def fake_extract(text, *, published=None, article_id=None, nlp=None):
        seen.update(text=text, published=published, article_id=article_id, nlp=nlp)
        return kent_claims()[:1]

    fake = types.ModuleType("misconduct_nlp.extraction")
    fake.extract = fake_extract
    monkeypatch.setitem(sys.modules, "misconduct_nlp.extraction", fake)
    out = render(ARTICLE, published=date(2024, 2, 1), article_id="kent", nlp="NLP")
    assert seen == {"text": ARTICLE, "published": date(2024, 2, 1), "article_id": "kent", "nlp": "NLP"}
    assert "1 claim in kent" in out


def test_rejects_things_that_are_not_articles():
    with pytest.raises(TypeError):
        render(42, [])


@pytest.mark.parametrize("rec, label", [
    ({"value": 1500.0, "unit": "gbp", "approx": "more_than", "measure": None}, ">£1,500 · measure?"),
    ({"value": 2.5, "unit": "rate_per_year", "approx": "about", "measure": "reported",
      "region": "England and Wales"}, "~2.5 rate per year · reported · England and Wales"),
    ({"value": 18, "unit": "months", "approx": "exact", "measure": "jailed",
      "period": {"start": "2019-04-01", "end": None, "text": "since April 2019"}},
     "18 months · jailed · 2019-04-01"),
])
def test_labels(rec, label):
    assert claim_label(rec) == label


_words = st.text(alphabet=st.sampled_from(list("ab <>&\"'\n.5")), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(text=_words, cuts=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40),
                                            st.integers(0, 40)), max_size=4))
def test_highlight_never_loses_or_invents_text(text, cuts):
    records = []
    for a, b, c, d in cuts:
        s0, s1 = sorted((min(a, len(text)), min(b, len(text))))
        n0, n1 = sorted((min(c, len(text)), min(d, len(text))))
        records.append({"sentence": {"text": text[s0:s1], "start": s0, "end": s1},
                        "span": {"text": text[n0:n1], "start": n0, "end": n1}, "value": 1})
    placed, lost = place(text, records)
    fragment = highlight(text, placed, labels=False)
    assert strip_tags(fragment) == text
    assert "<" not in re.sub(r"</?mark[^>]*>", "", fragment)
