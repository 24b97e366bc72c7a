"""The review report: one self-contained, escaped HTML page (``misconduct-nlp report``)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from misconduct_nlp import ForceRef
from misconduct_nlp.cli import build_parser, main
from misconduct_nlp.io import discover
from misconduct_nlp.report import ReportItem, build_report
from test_render import ARTICLE, SENT1, kent_claims, make_claim

EVIL = ("<script>document.title='pwned'</script>\n\n"
        "Devon officers <b>disciplined</b>\n\n"
        "Figures show 9 officers were disciplined by Devon and Cornwall Police in 2022.\n")
EVIL_SENT = "Figures show 9 officers were disciplined by Devon and Cornwall Police in 2022."


def evil_claim():
    force = ForceRef("devon-and-cornwall", "Devon & Cornwall <Police>", "Devon and Cornwall Police", 95.0)
    return make_claim(EVIL, "9", EVIL_SENT, measure="sanctioned", subject="officer", force=force,
                      article='evil"<id>', confidence=0.8)


def items():
    kent = [c.to_dict() for c in kent_claims()]
    return [ReportItem("kent", ARTICLE, kent, "2024-01-15", "corpus/kent.txt"),
            ReportItem('evil"<id>', EVIL, [evil_claim()], None, "corpus/evil.html")]


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes, and the text inside each <script>."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def rows(page: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in Tags(page).tags if tag == "tr" and "data-article" in attrs]


def test_one_row_per_claim_with_filter_attributes():
    page = build_report(items())
    got = [(r["data-article"], r["data-force"], r["data-measure"]) for r in rows(page)]
    assert got == [("a0", "kent", "dismissed"), ("a0", "kent", "resigned"), ("a0", "", "upheld"),
                   ("a1", "devon-and-cornwall", "sanctioned")]
    assert "4 claims in 2 articles" in page
    # both filters and the sortable columns the reviewer needs
    for needle in ('id="f-force"', 'id="f-measure"', 'data-key="value" data-type="num"', 'data-key="measure"',
                   'data-key="subject"', 'data-key="force"', 'data-key="period"', 'data-key="confidence"'):
        assert needle in page


def test_every_claim_is_highlighted_in_its_article():
    page = build_report(items())
    kent = page[page.index('<article class="doc" id="a0">'):page.index('<article class="doc" id="a1">')]
    assert re.findall(r'<mark class="mn-num"[^>]*>([^<]*)</mark>', kent) == ["12", "3", "40%"]
    assert kent.count('<mark class="mn-sent">') == 2
    # the table links each claim to its label in the article text
    for n in range(3):
        assert f'href="#c0-{n}"' in page and f'id="c0-{n}"' in kent
    assert "published 2024-01-15" in kent and "corpus/kent.txt" in kent


def test_nothing_from_an_article_runs_or_breaks_out():
    page = build_report(items(), title="<i>Review</i>", errors=[("bad<file>.txt", "binary <file>")])
    parsed = Tags(page)
    # exactly one script: ours, and no tag that an article could have brought in
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert not {"b", "i", "img", "iframe"} & {t for t, _ in parsed.tags}
    assert "document.title" not in parsed.scripts[0]
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in page
    assert "Devon &amp; Cornwall &lt;Police&gt;" in page
    assert "evil&quot;&lt;id&gt;" in page
    assert "bad&lt;file&gt;.txt: binary &lt;file&gt;" in page
    assert "<title>&lt;i&gt;Review&lt;/i&gt;</title>" in page


def test_self_contained_and_only_our_script_may_run():
    page = build_report(items())
    parsed = Tags(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        assert not (attrs.get("href") or "#").lstrip().startswith(("http", "//")), attrs
    assert "@import" not in page and "url(" not in page
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    digest = base64.b64encode(hashlib.sha256(parsed.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp


def test_claims_not_found_in_the_text_are_still_listed():
    stale = kent_claims()[0].to_dict()
    stale["sentence"] = {"text": "A sentence from another version.", "start": 5, "end": 37}
    stale["span"] = {"text": "77", "start": 10, "end": 12}
    page = build_report([ReportItem("kent", ARTICLE, [stale])])
    assert len(rows(page)) == 1
    assert '<span class="lost">A sentence from another version.</span>' in page
    assert "1 claim(s) could not be found in this text" in page


def test_sentences_only_mode_leaves_out_unclaimed_text():
    page = build_report(items(), full_text=False)
    kent = page[page.index('<article class="doc" id="a0">'):page.index('<article class="doc" id="a1">')]
    assert "Kent officers sacked" not in kent  # the headline holds no claim
    assert SENT1.split()[-1] in kent
    assert kent.count('class="mn-label"') == 3


def write_articles(folder: Path) -> None:
    folder.mkdir()
    (folder / "kent.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "evil.txt").write_text(EVIL, encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "manifest.jsonl").write_text('{"id": "kent", "published": "2024-01-15"}\n', encoding="utf-8")


def test_command_reads_folders_and_reviews_a_claims_file(tmp_path, capsys):
    write_articles(tmp_path / "news")
    claims = [c.to_dict() for c in kent_claims()] + [evil_claim().to_dict() | {"article": "evil"}]
    claims.append(claims[0] | {"article": "not-in-the-folder"})
    claims_file = tmp_path / "claims.jsonl"
    claims_file.write_text("".join(json.dumps(c) + "\n" for c in claims), encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    status = main(["report", str(tmp_path / "news"), str(tmp_path / "missing"),
                   "--claims", str(claims_file), "-o", str(out), "--min-confidence", "0.6"])
    assert status == 0
    page = out.read_text(encoding="utf-8")
    # confidence 0.5 claims are left out: kent's 12 (0.9), evil's 9 (0.8) and the orphan
    assert [r["data-measure"] for r in rows(page)] == ["sanctioned", "dismissed", "dismissed"]
    assert "The article text was not given" in page
    assert "empty.txt: [E101] empty file" in page and "missing: [E109] no such file or directory" in page
    assert "published 2024-01-15" in page
    err = capsys.readouterr().err
    assert "3 claims in 3 articles, 2 skipped" in err


def test_command_fails_without_articles(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing"), "-o", str(tmp_path / "r.html")]) == 1
    assert "no articles to report on" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
    assert main(["report", str(tmp_path), "--published", "15/01/2024"]) == 2


def test_help_lists_the_options():
    sub = build_parser()._subparsers._group_actions[0].choices["report"]
    options = {o for a in sub._actions for o in a.option_strings}
    assert {"-o", "--claims", "--published", "--model", "--min-confidence", "--title", "--no-text"} <= options


@pytest.fixture(scope="module")
def corpus() -> Path:
    folder = Path(__file__).resolve().parents[1] / "corpus"
    if not any(folder.glob("*.txt")):
        pytest.skip("corpus/ holds no articles yet")
    return folder


def test_report_of_the_corpus_with_real_extraction(corpus, tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(corpus), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = rows(page)
    assert len(found) >= 10, "the corpus should yield claims"
    n_docs = len(re.findall(r'<article class="doc"', page))
    assert n_docs == len(discover([corpus])[0])
    # every claim the extractor made points into its own text: each row links to its highlight
    links = re.findall(r'href="#(c\d+-\d+)"', page)
    assert len(links) == len(found)
    assert all(f'id="{anchor}"' in page for anchor in links)
    assert "could not be found" not in page


def test_article_frame_and_rules_are_shown(tmp_path):
    """The page shows each article's frame at its top and how an inherited value was decided."""
    from misconduct_nlp import extract
    from misconduct_nlp.report import ReportItem, build_report, frame_summary

    text = ("Essex Police suspended 20 officers in 2021\n\nThe force said another eight resigned "
            "before their hearings.\n")
    records = [c.to_dict() for c in extract(text, published="2022-03-01")]
    summary = frame_summary(records)
    assert "force Essex Police (headline_force)" in summary
    page = build_report([ReportItem("essex", text, records)])
    assert '<p class="frame">Frame: force Essex Police (headline_force)' in page
    assert "from the article&#x27;s frame: rule headline_force" in page or \
        "from the article's frame: rule headline_force" in page


# --------------------------------------------------------------------------- the Figures view

LEDGER_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ledger"


def figure_rows(page: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in Tags(page).tags if tag == "tr" and "figure" in (attrs.get("class") or "")]


def section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}">')
    return page[start:page.index("</section>", start)]


def test_figures_view_lists_distinct_figures_with_totals_charts():
    page = build_report(items())
    figures = section(page, "figures")
    assert [r["data-measure"] for r in figure_rows(page)] == ["dismissed", "resigned", "upheld", "sanctioned"]
    assert "4 figures from 4 mentions in 2 articles" in figures
    # each figure links to the claim rows that state it, and those rows exist
    links = re.findall(r'<td class="mentions">(.*?)</td>', figures)
    assert [re.findall(r'href="#(r\d+)"', cell) for cell in links] == [["r0"], ["r1"], ["r2"], ["r3"]]
    assert all(f'id="r{n}"' in page for n in range(4))
    # per-force and per-measure totals as inline SVG (no script, nothing fetched), labels escaped
    charts = re.findall(r"<svg class=\"bars\".*?</svg>", figures, re.S)
    assert len(charts) == 2
    assert "<title>Kent Police: 2 figures, 2 mentions</title>" in charts[0]
    assert "Devon &amp; Cornwall &lt;Police&gt;" in charts[0]
    assert [t for t, _ in Tags(page).tags].count("script") == 1


def test_figures_view_counts_copies_once_and_links_conflicts(tmp_path):
    out = tmp_path / "syndicated.html"
    assert main(["report", str(LEDGER_FIXTURES / "syndicated"), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert len(rows(page)) == 8 and len(figure_rows(page)) == 4
    figures = section(page, "figures")
    # two mentions each, one outlet: the copy is shown with its original
    assert re.findall(r'<td class="num">(\d+)</td><td class="mentions">', figures) == ["2"] * 4
    assert re.findall(r'<td class="num" title="[^"]*">(\d+)</td><td class="conflicts">', figures) == ["1"] * 4
    assert "wessex_echo_data_misuse, also printed as downs_gazette_data_misuse" in figures
    assert "conflict" not in " ".join(r["class"] for r in figure_rows(page)).replace("figure", "")

    out = tmp_path / "conflict.html"
    assert main(["report", str(LEDGER_FIXTURES / "conflict"), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    clashing = [r for r in figure_rows(page) if r["class"] == "figure conflict"]
    assert len(clashing) == 2 and {r["data-measure"] for r in clashing} == {"investigated"}
    a, b = (r["id"] for r in clashing)
    # each conflicting row links to the other
    row_a = re.search(rf'<tr class="figure conflict" id="{a}".*?</tr>', page).group(0)
    row_b = re.search(rf'<tr class="figure conflict" id="{b}".*?</tr>', page).group(0)
    assert f'href="#{b}"' in row_a and f'href="#{a}"' in row_b
    assert "1 conflict," in section(page, "figures")


def test_figures_of_the_corpus_are_fewer_than_its_claims(corpus, tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(corpus), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert 0 < len(figure_rows(page)) < len(rows(page))
    # every claim row is linked from exactly one figure
    linked = re.findall(r'href="#(r\d+)"', section(page, "figures"))
    assert sorted(linked) == sorted(r["id"] for r in rows(page))


# --------------------------------------------------------------------------- marking: gold rows


def gold_of(page: str) -> list[dict]:
    return [json.loads(r["data-gold"]) for r in rows(page)]


def test_each_row_offers_its_gold_row_in_the_evaluation_format():
    from misconduct_nlp.report import gold_row

    page = build_report(items())
    gold = gold_of(page)
    assert [g["value"] for g in gold] == [12, 3, 40, 9]
    assert gold[0] == {
        "article": "kent", "quote": SENT1, "value": 12, "unit": "count", "approx": "exact",
        "measure": "dismissed", "subject": "officer", "force": "kent", "region": None,
        "period": {"start": "2023-01", "end": "2023-12"}, "platforms": [], "rank": None,
        "tier": "core", "skip": []}
    assert gold[3]["article"] == 'evil"<id>' and gold[3]["force"] == "devon-and-cornwall"
    assert gold == [gold_row(r) for r in (c if isinstance(c, dict) else c.to_dict()
                                          for item in items() for c in item.claims)]
    # the page names its content: the same claims, the same id; other claims, another
    ident = re.search(r'<html lang="en" data-report="(r[0-9a-f]{16})">', page).group(1)
    assert ident in build_report(items())
    changed = items()
    changed[0].claims[0] = changed[0].claims[0] | {"value": 13}
    assert ident not in build_report(changed)


def test_a_long_sentence_is_quoted_by_the_words_around_its_number():
    from misconduct_nlp.report import QUOTE_CHARS, gold_row

    sentence = ("In a long report published by the force after many months of delay and several "
                "requests from the paper, it said that 17 officers were dismissed for gross misconduct "
                "after hearings held in public over the five years to March, and more were pending.")
    at = sentence.index("17")
    rec = {"article": "x", "value": 17, "unit": "count", "sentence": {"text": sentence, "start": 100,
           "end": 100 + len(sentence)}, "span": {"text": "17", "start": 100 + at, "end": 102 + at}}
    quote = gold_row(rec)["quote"]
    assert len(sentence) > QUOTE_CHARS >= len(quote) - 20
    assert "17 officers" in quote and quote in sentence
    assert quote.split()[0] in sentence.split() and quote.split()[-1] in sentence.split()  # whole words


def test_gold_exported_from_the_corpus_report_scores_its_claims_perfectly(corpus, tmp_path):
    """What 'Export gold' writes for a report whose claims are all marked correct is gold that
    read_gold() and evaluate() accept, and that scores exactly those claims as right."""
    from misconduct_nlp import evaluate
    from misconduct_nlp.evaluation import read_gold

    claims_file = tmp_path / "claims.jsonl"
    assert main(["extract", str(corpus), "-o", str(claims_file)]) == 0
    out = tmp_path / "report.html"
    assert main(["report", str(corpus), "--claims", str(claims_file), "-o", str(out)]) == 0
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("".join(json.dumps(g) + "\n" for g in gold_of(out.read_text(encoding="utf-8"))),
                         encoding="utf-8")
    claims = [json.loads(line) for line in claims_file.read_text(encoding="utf-8").splitlines()]
    metrics = evaluate(claims, read_gold(gold_file))
    assert metrics.tp == len(claims) > 10 and metrics.fp == metrics.fn == 0
    assert metrics.strict_f1 == 1.0
    # leaving one out (marked wrong) makes exactly that claim a false positive
    metrics = evaluate(claims, read_gold(gold_file)[1:])
    assert (metrics.tp, metrics.fp, metrics.fn) == (len(claims) - 1, 1, 0)
