"""The review report in a real browser (headless Chromium): its script runs, the table and the
highlights are on screen, filters and sorting work, and nothing from an article runs.

Needs Debian's ``chromium`` package (``apt-get install -y chromium``); skipped without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from misconduct_nlp.cli import main
from test_report import rows

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio")
TITLE = "Police misconduct claims: review"


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no headless Chromium installed (Debian: apt-get install -y chromium)")


def chromium(browser: str, tmp: Path, url: str, *extra: str) -> str:
    """Run one headless Chromium command against ``url`` with a fresh profile; its stdout."""
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [browser, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=3000", *extra, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dom(browser: str, tmp: Path, page: Path, fragment: str = "") -> str:
    return chromium(browser, tmp, page.resolve().as_uri() + fragment, "--dump-dom")


def visible_rows(dumped: str) -> list[str]:
    """The opening <tr> tags of claim rows the script left visible, in display order."""
    return [t for t in re.findall(r"<tr data-article[^>]*>", dumped) if "hidden" not in t]


def test_script_runs_and_builds_the_filters(browser, tmp_path, page):
    dumped = dom(browser, tmp_path, page)
    assert 'data-ready="1"' in dumped, "the report's script did not run"
    assert "Showing 4 of 4 claims in 2 of 2 articles" in dumped
    assert len(visible_rows(dumped)) == 4
    # the filter options are made by the script from the rows
    force_select = re.search(r'<select id="f-force">(.*?)</select>', dumped, re.S).group(1)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", force_select)
    assert options == ["All forces", "Kent Police (2)", "(none) (1)",
                       "Devon &amp; Cornwall &lt;Police&gt; (1)"]
    # each number is marked in the table and in its article (plus once in the legend)
    assert dumped.count('<mark class="mn-num"') == 1 + 4 + 4
    assert dumped.count('<span class="mn-label"') == 1 + 4
    # sort buttons were added to the sortable headers of the claims table
    head = re.search(r'<table id="claims-table">\s*<thead>(.*?)</thead>', dumped, re.S).group(1)
    assert head.count("<th data-key=") == head.count("<button") == 8  # probability column included
    # and the three mark buttons to each claim row (correct, wrong, correct it)
    assert len(re.findall(r'<button type="button" data-mark="(?:correct|wrong|corrected)"', dumped)) == 3 * 4
    assert "0 of 4 claims marked" in dumped


def test_article_script_does_not_run(browser, tmp_path, page):
    dumped = dom(browser, tmp_path, page)
    assert f"<title>{TITLE}</title>" in dumped
    assert "pwned</title>" not in dumped
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dumped


def test_policy_blocks_a_script_that_escaped_escaping(browser, tmp_path, page):
    """Belt and braces: even raw markup in the page cannot run, and the check can tell."""
    injected = "<script>document.title='pwned'</script></main>"
    raw = page.read_text(encoding="utf-8").replace("</main>", injected, 1)
    guarded = tmp_path / "guarded.html"
    guarded.write_text(raw, encoding="utf-8")
    assert f"<title>{TITLE}</title>" in dom(browser, tmp_path, guarded)
    # without the Content-Security-Policy the same injection runs: the check above is not empty
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", raw), encoding="utf-8")
    assert "<title>pwned</title>" in dom(browser, tmp_path, bare)


def test_filters_and_sorting_from_the_address(browser, tmp_path, page):
    dumped = dom(browser, tmp_path, page, "#measure=upheld")
    assert "Showing 1 of 4 claims in 1 of 2 articles" in dumped
    assert [re.search(r'data-measure="([^"]*)"', t).group(1) for t in visible_rows(dumped)] == ["upheld"]
    assert re.search(r'<article class="doc" id="a1"[^>]*hidden', dumped)

    dumped = dom(browser, tmp_path, page, "#force=no-such-force")
    assert "Showing 0 of 4 claims in 0 of 2 articles" in dumped
    assert re.search(r'<option value="no-such-force"[^>]*>no-such-force \(0\)</option>', dumped)

    dumped = dom(browser, tmp_path, page, "#force=kent&sort=value&dir=desc")
    assert [re.search(r'data-measure="([^"]*)"', t).group(1) for t in visible_rows(dumped)] == [
        "dismissed", "resigned"]
    values = re.findall(r'<td class="num" data-sort="([\d.]+)">', dumped)[::2]  # value, confidence
    assert [float(v) for v in values] == [40, 12, 9, 3]
    assert 'aria-sort="descending"' in re.search(r'<th data-key="value".*?</th>', dumped).group(0)


def test_screenshot_shows_the_table_and_highlights(browser, tmp_path, page):
    image = pytest.importorskip("PIL.Image")
    shot = tmp_path / "report.png"
    chromium(browser, tmp_path, page.resolve().as_uri(), f"--screenshot={shot}", "--window-size=1280,2000",
             "--hide-scrollbars")
    assert shot.is_file()
    with image.open(shot) as img:
        assert img.size == (1280, 2000)
        rgb = img.convert("RGB")
        colours = {c for _, c in rgb.getcolors(maxcolors=1 << 20)}
        counts = {c: n for n, c in rgb.getcolors(maxcolors=1 << 20)}
    # the number marks (#ff922b), sentence marks (#fff3bf) and labels (#364fc7) are painted
    for colour in ((0xFF, 0x92, 0x2B), (0xFF, 0xF3, 0xBF), (0x36, 0x4F, 0xC7)):
        assert colour in colours and counts[colour] > 200, colour


def test_report_of_the_corpus_in_the_browser(browser, tmp_path):
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    if not any(corpus.glob("*.txt")):
        pytest.skip("corpus/ holds no articles yet")
    out = tmp_path / "corpus.html"
    assert main(["report", str(corpus), "-o", str(out)]) == 0
    n = len(rows(out.read_text(encoding="utf-8")))
    dumped = dom(browser, tmp_path, out)
    assert 'data-ready="1"' in dumped
    assert len(visible_rows(dumped)) == n > 0
    assert f"Showing {n} of {n} claims" in dumped
    shot = tmp_path / "corpus.png"
    chromium(browser, tmp_path, out.resolve().as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.stat().st_size > 10_000
