"""Components compose (registered factories, a clear error when one is missing) and own their
resources (lexicon terms, force aliases, the period grammar), which nlp.to_disk saves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import misconduct_nlp
from misconduct_nlp.errors import PipelineError
from misconduct_nlp.forces import match_force
from misconduct_nlp.periods import default_grammar
from misconduct_nlp.pipeline import COMPONENTS

ROOT = Path(__file__).resolve().parents[1]

ARTICLES = [
    "Kent Police sacked 12 officers over the past five years.\n\nOf these, three were PCSOs.",
    "Greater Manchester Police suspended 18 officers between 2018 and 2021, while Essex (31) "
    "placed 4 sergeants on restricted duties last year after posts on Facebook.",
    "Across 43 forces in England and Wales, 210 officers were dismissed in 2022/23.",
]
USER_TEXT = ("The Garden of England force gave their marching orders to 7 officers in 2020. "
             "Essex Police sacked 5 officers in 2021.")
SCHOOL_YEAR = {"name": "school_year", "kind": "absolute", "resolve": "point",
               "regex": r"\bin\s+the\s+school\s+year\s+(?P<a>{Y4})", "examples": []}


def _claims(nlp: Language, text: str, published: date | None = date(2023, 5, 1)) -> list[dict]:
    return [c.to_dict() for c in misconduct_nlp.extract(text, published=published, nlp=nlp)]


def _all_claims(nlp: Language) -> list[list[dict]]:
    return [_claims(nlp, t) for t in ARTICLES]


@pytest.fixture(scope="module")
def reference(nlp) -> list[list[dict]]:
    found = _all_claims(nlp)
    assert all(found)
    return found


# --------------------------------------------------------------------------- composing


def test_blank_pipeline_with_every_factory_in_order_equals_load(reference):
    nlp = spacy.blank("en")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    assert nlp.pipe_names == list(COMPONENTS)
    assert _all_claims(nlp) == reference


def test_claims_alone_names_everything_it_needs_in_order():
    nlp = spacy.blank("en")
    with pytest.raises(PipelineError) as err:
        nlp.add_pipe("misconduct_claims")
    message = str(err.value)
    assert message.startswith("[E401]")
    needed = [n for n in COMPONENTS if n != "misconduct_claims"]
    positions = [message.index(n) for n in needed]
    assert positions == sorted(positions)  # named in pipeline order
    assert nlp.pipe_names == []


def test_claims_names_only_what_is_missing():
    nlp = spacy.blank("en")
    for name in COMPONENTS:
        if name not in ("misconduct_claims", "misconduct_ranks", "misconduct_periods"):
            nlp.add_pipe(name)
    with pytest.raises(PipelineError, match=r"lacks misconduct_ranks, misconduct_periods\."):
        nlp.add_pipe("misconduct_claims")


@Language.component("test_mock_parser")
def _mock_parser(doc: Doc) -> Doc:
    """A stand-in for a trained parser: like one, it keeps the sentence starts already set (by
    the misconduct sentencizer, added first) and decides the others (no new sentences)."""
    for token in doc:
        if token.is_sent_start is None:
            token.is_sent_start = token.i == 0
    return doc


@Language.component("test_mock_ner")
def _mock_ner(doc: Doc) -> Doc:
    """A stand-in for a trained entity recogniser: the first token as an ORG."""
    if len(doc):
        doc.ents = [doc.char_span(0, len(doc[0].text), label="ORG")]
    return doc


def test_components_added_to_a_pipeline_with_a_parser_and_ner(reference):
    nlp = spacy.blank("en")
    nlp.add_pipe("test_mock_parser", name="parser")
    nlp.add_pipe("test_mock_ner", name="ner")
    misconduct_nlp.pipeline.add_to_pipeline(nlp)
    assert nlp.pipe_names == ["misconduct_sentencizer", "parser", "ner", *COMPONENTS[1:]]
    assert _all_claims(nlp) == reference

    other = spacy.blank("en")
    other.add_pipe("test_mock_parser", name="parser")
    other.add_pipe("test_mock_ner", name="ner")
    with pytest.raises(PipelineError, match="misconduct_sentencizer, misconduct_measures"):
        other.add_pipe("misconduct_claims")


def test_entry_points_name_every_factory():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = text.split("[project.entry-points.spacy_factories]", 1)[1].split("\n[", 1)[0]
    names = {line.split("=")[0].strip() for line in block.splitlines() if "=" in line}
    assert names == set(COMPONENTS)
    for line in block.splitlines():
        if "=" in line:
            module, func = line.split("=", 1)[1].strip().strip('"').split(":")
            assert callable(getattr(__import__(module, fromlist=[func]), func))


# --------------------------------------------------------------------------- lexicon components


def test_lexicon_component_add_and_remove_terms(nlp):
    own = misconduct_nlp.load()
    ruler = own.get_pipe("misconduct_measures")
    text = "Seven officers were given their marching orders in 2020."
    assert _claims(own, text) == []
    ruler.add_terms("dismissed", ["given their marching orders"])
    assert [(c["value"], c["measure"]) for c in _claims(own, text)] == [(7, "dismissed")]
    assert _claims(nlp, text) == []  # another pipeline is not changed
    ruler.remove_terms(["given their marching orders"])
    assert _claims(own, text) == []
    with pytest.raises(KeyError, match="no terms"):
        ruler.remove_terms(["never a term"])
    assert any(e.label == "dismissed" for e in ruler.entries)


@pytest.mark.parametrize("group", ["measures", "subjects", "ranks", "platforms"])
def test_lexicon_ruler_matches_as_spacys_span_ruler_does(nlp, group):
    """LexiconRuler.match dedups and sorts tuples, not Spans: the same spans, labels, ids and
    order as SpanRuler.match, on text where terms overlap and repeat."""
    from spacy.pipeline.span_ruler import SpanRuler

    ruler = nlp.get_pipe(f"misconduct_{group}")
    text = ("Officers and police staff were dismissed, sacked or dismissed without notice; "
            "a PCSO was given a final written warning, a written warning and management action. "
            "Chief inspectors, sergeants and constables posted on Facebook, WhatsApp and Twitter. "
            "Gross misconduct hearings, misconduct meetings, reflective practice, resigned, retired.")
    doc = nlp.make_doc(text * 2)
    mine = [(sp.start, sp.end, sp.label_, sp.id_) for sp in ruler.match(doc)]
    theirs = [(sp.start, sp.end, sp.label_, sp.id_) for sp in SpanRuler.match(ruler, doc)]
    assert mine == theirs
    assert mine, "the text holds terms of every group"
    assert len(set(mine)) == len(mine)


def test_a_term_that_refers_back_takes_its_antecedents_label(tmp_path):
    own = misconduct_nlp.load()
    ruler = own.get_pipe("misconduct_measures")
    ruler.add_terms("resigned", ["the quitters' roll"])
    ruler.add_terms("dismissed", ["entered on the roll"], refers_back=True)
    text = "Forces keep the quitters' roll. In 2021, 14 officers were entered on the roll."
    assert [(c["value"], c["measure"]) for c in _claims(own, text)] == [(14, "resigned")]
    # with no earlier term ending in the same word, the entry's own label
    alone = "In 2021, 14 officers were entered on the roll."
    assert [c["measure"] for c in _claims(own, alone)] == ["dismissed"]
    assert any(e.refers_back and e.label == "dismissed" for e in ruler.entries)
    own.to_disk(tmp_path / "p")
    assert _claims(spacy.load(tmp_path / "p"), text) == _claims(own, text)


def test_lexicon_files_through_load(tmp_path):
    path = tmp_path / "my_measures.jsonl"
    path.write_text(json.dumps({"label": "dismissed", "strength": 2, "terms": ["shown the door"]}) + "\n",
                    encoding="utf-8")
    nlp = misconduct_nlp.load(lexicons={"measures": [str(path)]})
    assert [c["measure"] for c in _claims(nlp, "Four officers were shown the door in 2019.")] == ["dismissed"]


# --------------------------------------------------------------------------- forces and grammar


def test_force_component_owns_its_aliases():
    nlp = misconduct_nlp.load()
    forces = nlp.get_pipe("misconduct_forces")
    forces.add_aliases({"kent": ["the Garden of England force"]})
    doc = nlp("The Garden of England force sacked 7 officers in 2020.")
    assert [sp._.force.id for sp in doc.spans["forces"]] == ["kent"]
    assert match_force("the Garden of England force") is None  # the process default is unchanged
    forces.remove_aliases({"kent": ["the Garden of England force"]})
    assert list(nlp("The Garden of England force sacked 7 officers.").spans["forces"]) == []
    with pytest.raises(KeyError):
        forces.add_aliases({"no-such-force": ["x"]})


def test_period_component_owns_its_grammar():
    nlp = misconduct_nlp.load()
    periods = nlp.get_pipe("misconduct_periods")
    text = "Nine officers were sacked in the school year 2015."
    assert [c["period"] for c in _claims(nlp, text)] == [None]
    periods.add_patterns([SCHOOL_YEAR])
    assert [c["period"]["start"] for c in _claims(nlp, text)] == ["2015-01-01"]
    assert periods.grammar is not default_grammar()
    periods.remove_patterns(["school_year"])
    assert periods.grammar is default_grammar()  # back to the package data: the shared grammar


# --------------------------------------------------------------------------- saving


def _customised() -> Language:
    nlp = misconduct_nlp.load()
    nlp.get_pipe("misconduct_forces").add_aliases({"kent": ["the Garden of England force"]})
    measures = nlp.get_pipe("misconduct_measures")
    measures.add_terms("dismissed", ["gave their marching orders"])
    measures.remove_terms(["sacked"])
    return nlp


def test_to_disk_and_load_in_a_fresh_process(tmp_path):
    nlp = _customised()
    expected = _claims(nlp, USER_TEXT)
    # the user alias, the user term, and the removed term all show
    assert [(c["value"], c["measure"], c["force"]["id"]) for c in expected] == [(7, "dismissed", "kent")]
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "misconduct_forces" / "registry.json").is_file()
    assert (tmp_path / "pipeline" / "misconduct_measures" / "patterns").is_file()
    script = (
        "import json, sys, spacy, misconduct_nlp\n"
        "from datetime import date\n"
        "out = {}\n"
        "for how, nlp in (('spacy', spacy.load(sys.argv[1])), ('load', misconduct_nlp.load(sys.argv[1]))):\n"
        "    out[how] = [c.to_dict() for c in misconduct_nlp.extract(sys.argv[2], published=date(2023, 5, 1),"
        " nlp=nlp)]\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "pipeline"), USER_TEXT],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["spacy"] == expected and out["load"] == expected


def test_to_bytes_round_trip_keeps_every_resource():
    nlp = _customised()
    nlp.get_pipe("misconduct_periods").add_patterns([SCHOOL_YEAR])
    text = USER_TEXT + " Kent Police sacked 2 officers in the school year 2016."
    fresh = spacy.blank("en")
    for name in COMPONENTS:
        fresh.add_pipe(name)
    fresh.from_bytes(nlp.to_bytes())
    assert _claims(fresh, text) == _claims(nlp, text)
    assert len(_claims(fresh, text)) == 1  # "sacked" was removed from the lexicon


def test_resources_through_the_component_config(tmp_path):
    config = {
        "misconduct_forces": {"aliases": {"kent": ["the Garden of England force"]}},
        "misconduct_measures": {"terms": [{"label": "dismissed", "terms": ["gave their marching orders"]}]},
        "misconduct_periods": {"patterns": [SCHOOL_YEAR]},
    }
    nlp = spacy.blank("en")
    for name in COMPONENTS:
        nlp.add_pipe(name, config=config.get(name, {}))
    text = "The Garden of England force gave their marching orders to 7 officers in the school year 2015."
    found = [(c["value"], c["measure"], c["force"]["id"], c["period"]["start"]) for c in _claims(nlp, text)]
    assert found == [(7, "dismissed", "kent", "2015-01-01")]
    nlp.to_disk(tmp_path / "p")
    assert _claims(spacy.load(tmp_path / "p"), text) == _claims(nlp, text)


def test_batch_workers_load_a_saved_pipeline(tmp_path):
    nlp = _customised()
    nlp.to_disk(tmp_path / "pipeline")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(USER_TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(USER_TEXT.replace("7", "8"), encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "misconduct_nlp.cli", "extract", str(folder), "-o", str(out),
         "--model", str(tmp_path / "pipeline"), "--published", "2023-05-01"],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["value"], r["measure"], r["force"]["id"]) for r in rows] == [
        (7, "dismissed", "kent"), (8, "dismissed", "kent")]
    # two worker processes, each loading the saved folder
    script = (
        "import json, sys\n"
        "from misconduct_nlp.batch import BatchOptions, run_batch\n"
        "o = BatchOptions(output=sys.argv[2], workers=2, quiet=True, min_parallel_bytes=0, force=True,\n"
        "                 model=sys.argv[3], published='2023-05-01')\n"
        "run_batch([sys.argv[1]], o)\n"
    )
    out2 = tmp_path / "claims2.jsonl"
    done = subprocess.run([sys.executable, "-c", script, str(folder), str(out2), str(tmp_path / "pipeline")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out2.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
