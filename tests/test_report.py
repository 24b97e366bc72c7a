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
