"""The discourse layer: the frame of whole short articles and how figures inherit from it.

Every article here was written for these tests; each is a kind of news story the frame rules
must read the way a careful reader does.
"""

from __future__ import annotations

import pytest

from misconduct_nlp import extract
from misconduct_nlp.discourse import in_quote, paragraphs, top_end


def _frame(nlp, text: str, published: str = "2022-06-01"):
    from datetime import date

    doc = nlp.make_doc(text)
    doc._.published = date.fromisoformat(published)
    return nlp(doc)._.frame


def _claims(nlp, text, published="2022-06-01"):
    return {c.value: c.to_dict() for c in extract(text, published=published, nlp=nlp)}


NATIONAL_WITH_LOCAL_EXAMPLES = """Police forces dismissed 620 officers in a year

Forces across England and Wales dismissed 620 officers in the year to March 2022, figures show.

The Metropolitan Police dismissed 130 of them, while Greater Manchester Police sacked 45.

A further 210 officers resigned before their hearings concluded.

"It shows we are rooting out those who should not serve," a spokesman for Kent Police said.
"""

SINGLE_FORCE_WITH_ASIDES = """Sussex Police suspends 33 officers

Sussex Police suspended 33 officers in 2021, according to a Freedom of Information request.

The rise matches the one seen in Essex, where numbers also climbed.

Another 12 officers were placed on restricted duties.
"""

LIST_OF_FORCES = """Which forces held the most hearings?

Forces in England and Wales held 1,100 misconduct hearings in 2021.

The forces holding the most hearings were:
• Metropolitan Police: 240
• West Midlands Police: 81
• Thames Valley: 40
"""

SCOTTISH_LEGACY = """Strathclyde Police officers faced 400 complaints

Strathclyde Police received 400 complaints about its officers in 2011/12, the last full year
before the single force was created.

Of those complaints, 35 were upheld.
"""

WELSH_OUTLET_UK_FIGURES = """Gwent officers among hundreds investigated

Across the UK, 2,400 officers were investigated for sexual misconduct between 2019 and 2021,
new figures show.

Gwent Police, which covers five council areas, investigated 31 of them.

Nationally, 300 were dismissed.
"""


def test_national_story_with_local_examples(nlp):
    frame = _frame(nlp, NATIONAL_WITH_LOCAL_EXAMPLES)
    assert (frame.scope, frame.force, frame.region) == ("national", None, "England and Wales")
    claims = _claims(nlp, NATIONAL_WITH_LOCAL_EXAMPLES)
    assert claims[620]["force"] is None and claims[620]["region"] == "England and Wales"
    assert claims[130]["force"]["id"] == "metropolitan"
    assert claims[45]["force"]["id"] == "greater-manchester"
    # the per-force examples do not make the next national figure local
    assert claims[210]["force"] is None and claims[210]["region"] == "England and Wales"
    assert claims[210]["period"]["start"] == "2021-04-01"


def test_single_force_story_keeps_its_force_through_an_aside(nlp):
    frame = _frame(nlp, SINGLE_FORCE_WITH_ASIDES)
    assert frame.scope == "single_force" and frame.force.id == "sussex"
    claims = _claims(nlp, SINGLE_FORCE_WITH_ASIDES)
    assert claims[12]["force"]["id"] == "sussex" and claims[12]["force"]["source"] == "frame"


def test_list_of_forces_each_item_its_own_force(nlp):
    claims = _claims(nlp, LIST_OF_FORCES)
    assert claims[1100]["region"] == "England and Wales"
    assert claims[240]["force"]["id"] == "metropolitan"
    assert claims[81]["force"]["id"] == "west-midlands"
    assert claims[40]["force"]["id"] == "thames-valley"


def test_scottish_legacy_force(nlp):
    frame = _frame(nlp, SCOTTISH_LEGACY)
    assert frame.force.id == "strathclyde"
    claims = _claims(nlp, SCOTTISH_LEGACY)
    assert claims[35]["force"]["id"] == "strathclyde"
    assert (claims[35]["period"]["start"], claims[35]["period"]["end"]) == ("2011-04-01", "2012-03-31")


def test_welsh_outlet_reporting_uk_figures(nlp):
    frame = _frame(nlp, WELSH_OUTLET_UK_FIGURES)
    # the headline names no force outright ("Gwent officers"); the top is about the UK
    assert (frame.scope, frame.region) == ("national", "UK")
    claims = _claims(nlp, WELSH_OUTLET_UK_FIGURES)
    assert claims[2400]["force"] is None and claims[2400]["region"] == "UK"
    assert claims[31]["force"]["id"] == "gwent"
    assert claims[300]["force"] is None and claims[300]["region"] == "UK"
    assert claims[300]["period"]["start"] == "2019-01-01"


def test_force_named_once_in_a_historical_aside_is_not_the_frame(nlp):
    text = ("Only 2% of racism complaints upheld\n\nComplaints by the public against forces across "
            "the country are rarely upheld, new figures show.\n\nMembers of the public made 5,000 "
            "complaints in England and Wales over six years.\n\nAn inquiry once found the Metropolitan "
            "Police institutionally racist.\n")
    claims = _claims(nlp, text)
    assert claims[2]["force"] is None and claims[2]["region"] == "England and Wales"
    assert claims[5000]["force"] is None


# --- periods across sentences ----------------------------------------------------------------

def test_unanchored_headline_span_takes_the_stated_window(nlp):
    text = ("Forces logged 900 complaints about sexism in a year\n\nThe figures cover the 12 months "
            "to March 2022.\n\nOf the complaints, 40 were upheld.\n")
    claims = _claims(nlp, text, "2022-09-01")
    assert (claims[900]["period"]["start"], claims[900]["period"]["end"]) == ("2021-04-01", "2022-03-31")
    assert claims[900]["period"]["rule"] == "unanchored_takes_window"
    assert claims[40]["period"]["end"] == "2022-03-31"


def test_anecdote_year_does_not_become_the_period_of_later_figures(nlp):
    text = ("Officers sacked for lying\n\nA sergeant was sacked in 2016 for lying to a court, the "
            "tribunal heard.\n\nRecords show 70 officers have been sacked for dishonesty.\n")
    claims = _claims(nlp, text)
    assert claims[70]["period"] is None


def test_snapshot_point_is_not_a_period(nlp):
    text = ("Accused staff still at work\n\nThe data covers reports made between March 2019 and "
            "March 2021.\n\nOf 50 staff accused, 41 were still in a job at the end of last year.\n")
    claims = _claims(nlp, text)
    assert claims[41]["period"]["start"] == "2019-03-01"
    assert claims[41]["measure"] == "retained"


def test_earlier_clause_period_does_not_leak_into_the_next_clause(nlp):
    text = "Kent Police misconduct\n\nIn 2019/20, 12 officers were sacked and in 2020/21 there were 17.\n"
    claims = _claims(nlp, text)
    assert claims[12]["period"]["start"] == "2019-04-01"
    assert claims[17]["period"]["start"] == "2020-04-01"


# --- the helpers the frame is read with ------------------------------------------------------

def test_top_skips_bylines_captions_and_menus():
    text = "Home\nNews\nHeadline about sacked officers\nBy A Writer\nPhotograph: Someone\n" \
           "The standfirst sentence has enough words in it.\nFirst paragraph of the body is here too.\nMore."
    paras = paragraphs(text)
    headline, top = top_end(text, paras)
    assert text[:headline].endswith("Headline about sacked officers")
    assert text[:top].endswith("First paragraph of the body is here too.")


@pytest.mark.parametrize(("text", "word", "inside"), [
    ('He said: "Kent Police did well." Then Essex.', "Kent", True),
    ('He said: "Kent Police did well." Then Essex.', "Essex", False),
    ("“Our officers in Surrey are the best", "Surrey", True),
    ("The Met said so.", "Met", False),
])
def test_in_quote(text, word, inside):
    assert in_quote(text, (0, len(text)), text.index(word)) is inside
