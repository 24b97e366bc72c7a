"""``extract()`` never raises on any ``str``: arbitrary Unicode, control characters, very long
numbers and very long lines (a property test), and every claim points into the text."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import misconduct_nlp


@pytest.fixture(scope="module")
def nlp():
    return misconduct_nlp.load()


NEWSY = st.sampled_from([
    "officers", "were", "dismissed", "sacked", "complaints", "upheld", "per cent", "%", "£", "in 2019",
    "Kent Police", "the Met", "last year", "since 2014", "1,200", "3.5", "one in 10", "a dozen", "\n\n",
    "(", ")", "-", "–", "’", "“", ".", ",", "PCSOs", "between April 2019 and March 2020", "2019/20",
])
DIGITS = st.text(alphabet="0123456789,.", min_size=1, max_size=400)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x9F, categories=["Cc"]), max_size=20)
ANY = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
PIECES = st.lists(st.one_of(NEWSY, DIGITS, CONTROL, ANY, st.just(" ")), max_size=40).map(" ".join)


def check(text: str, nlp, published=None) -> None:
    claims = misconduct_nlp.extract(text, nlp=nlp, published=published, article_id="x")
    for c in claims:
        d = c.to_dict()
        assert text[d["sentence"]["start"]:d["sentence"]["end"]] == d["sentence"]["text"]
        assert text[d["span"]["start"]:d["span"]["end"]] == d["span"]["text"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(ANY, PIECES), published=st.one_of(st.none(), st.dates().map(str)))
def test_extract_never_raises(nlp, text, published):
    check(text, nlp, published)


@pytest.mark.parametrize("text", [
    "",
    " ",
    "\x00\x01\x02 officers \x7f\x9f",
    "9" * 5000 + " officers were sacked",
    "1," * 3000 + "000 complaints",
    ("12 officers were dismissed and 4 resigned " * 1000),  # one very long line (7,000 words)
    "\n" * 10000,
    "\ufeff\u200b\u202e 12 officers \U0001f46e were sacked.",
    "In 2019/20 £1.5m was paid; 100% of 0 cases; 1e309 officers; -0 complaints; ½ upheld.",
])
def test_extract_survives_extremes(nlp, text):
    check(text, nlp)


def test_public_extract_is_the_function_even_after_its_module_is_imported():
    # importing a submodule sets the package attribute of the same name to the module:
    # ``misconduct_nlp.extract`` must still be the function whatever was imported first
    code = ("import importlib, misconduct_nlp\n"
            "for name in ('extract', 'pipeline', 'formats', 'batch'):\n"
            "    try: importlib.import_module('misconduct_nlp.' + name)\n"
            "    except ImportError: pass\n"
            "from misconduct_nlp import extract, extract_many, load, to_dataframe\n"
            "print(all(map(callable, (misconduct_nlp.extract, extract, extract_many, load, to_dataframe))))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stdout.strip() == "True", res.stderr
