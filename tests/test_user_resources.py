"""A user's additions belong to one pipeline: two pipelines in one process share none of them,
the process-wide functions that once changed every pipeline are gone (coded errors), and nouns
added to a pipeline's measures lexicon are counted nouns for its claims.

``--lexicon``, ``--aliases`` and ``--pipeline``: a user's additions reach the claims on every
engine (one process, ``--workers 2``, ``--engine dask``), and a file that cannot be used is a
usage error (exit status 2) with a coded message, before any output is written."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import misconduct_nlp
from misconduct_nlp import extract, forces, lexicon, periods
from misconduct_nlp.batch import BatchOptions, read_resources, run_batch
from misconduct_nlp.cli import main
from misconduct_nlp.errors import RemovedError, UsageError, code_of
from misconduct_nlp.formats import read_claims
from misconduct_nlp.reading import counted_nouns, read_sentence

#: Our own sentences. Without the alias the first names no force; without the lexicon row the
#: second's verb is not read as a dismissal.
ARTICLES = {
    "garden": "Officers sacked\n\nThe Garden of England force dismissed 14 officers for gross "
              "misconduct in 2022, figures show.\n",
    "verb": "Staff news\n\nKent Police said 9 officers were frobnicated in 2021 after their hearings.\n",
}
ALIASES = {"kent": ["the Garden of England force"]}
LEXICON_ROW = {"label": "dismissed", "strength": 2, "terms": ["frobnicated"],
               "examples": [{"text": "9 officers were frobnicated.", "value": 9, "measure": "dismissed"}]}


# --------------------------------------------------------------------------- one pipeline's own

#: Our own sentences: an alias, a verb and a period phrase the package does not know.
GARDEN = "The Garden of England force dismissed 14 officers for gross misconduct in 2022."
FROBNICATED = "Kent Police said 9 officers were frobnicated in 2021."
TERM_TIME = "Kent Police sacked 9 officers in the summer term of 2019."
SUMMER_TERM = {"name": "summer_term", "kind": "absolute", "resolve": "point",
               "regex": r"\bin\s+the\s+summer\s+term\s+of\s+(?P<a>{Y4})",
               "examples": [{"text": "in the summer term of 2019", "start": "2019-01-01",
                             "end": "2019-12-31"}]}


def _seen(nlp) -> dict[str, tuple]:
    """What each sentence gives with ``nlp``: the force, the measure, the period's start."""
    garden = extract(GARDEN, published="2023-01-10", nlp=nlp)
    verb = extract(FROBNICATED, published="2023-01-10", nlp=nlp)
    term = extract(TERM_TIME, published="2023-01-10", nlp=nlp)
    return {"garden": tuple((c.force.id if c.force else None) for c in garden),
            "verb": tuple(c.measure for c in verb),
            "term": tuple((c.period.start.isoformat() if c.period else None) for c in term)}


def test_two_pipelines_in_one_process_share_no_additions():
    first, second = misconduct_nlp.load(), misconduct_nlp.load()
    plain = _seen(second)
    assert plain == {"garden": (None,), "verb": (), "term": (None,)}  # the package knows none of it
    first.get_pipe("misconduct_forces").add_aliases(ALIASES)
    first.get_pipe("misconduct_measures").add_terms("dismissed", ["frobnicated"])
    first.get_pipe("misconduct_periods").add_patterns([SUMMER_TERM])
    assert _seen(first) == {"garden": ("kent",), "verb": ("dismissed",), "term": ("2019-01-01",)}
    assert _seen(second) == plain                   # a pipeline built before is unaffected,
    assert _seen(misconduct_nlp.load()) == plain    # and so is one built after
    assert forces.match_force("the Garden of England force") is None  # and the module's functions
    assert periods.parse_period("in the summer term of 2019") is None
    assert not any("frobnicated" in e.terms for e in lexicon.entries("measures"))


@pytest.mark.parametrize("call, code, instead", [
    (lambda: lexicon.add_terms("measures", "dismissed", ["frobnicated"]), "E404",
     'nlp.get_pipe("misconduct_measures").add_terms('),
    (lambda: forces.add_aliases("kent", ["the Garden of England force"]), "E405",
     'nlp.get_pipe("misconduct_forces").add_aliases('),
    (lambda: forces.add_forces([{"id": "kent", "aliases": ["x"]}]), "E406",
     'nlp.get_pipe("misconduct_forces").add_forces('),
    (lambda: forces.reset_registry(), "E407", 'nlp.get_pipe("misconduct_forces").reset()'),
    (lambda: forces.default_registry(), "E409", 'nlp.get_pipe("misconduct_forces").registry'),
    (lambda: periods.use_grammar("periods.json"), "E408", 'nlp.get_pipe("misconduct_periods").use_grammar('),
], ids=["add_terms", "add_aliases", "add_forces", "reset_registry", "default_registry", "use_grammar"])
def test_the_process_wide_functions_raise_a_coded_error(call, code, instead):
    with pytest.raises(RemovedError) as e:
        call()
    assert e.value.code == code and instead in str(e.value)
    assert isinstance(e.value, RuntimeError)
    # nothing changed on the way
    assert not any("frobnicated" in e.terms for e in lexicon.entries("measures"))
    assert forces.match_force("the Garden of England force") is None
    assert periods.default_grammar() is periods.load_grammar(None)  # the package's grammar


#: "It recorded 40 ..." refers back to the sentence before; a counted noun ("cases", or one a
#: user adds) keeps the figure's own measure, any other word takes the one before ("dismissed").
COUNTED = "Kent Police dismissed nine officers. It recorded 40 grievances."


def test_nouns_added_to_the_measures_lexicon_are_counted_nouns():
    own = misconduct_nlp.load()
    own.get_pipe("misconduct_measures").add_terms("reported", ["grievances"], strength=0, noun=True)
    doc = own(COUNTED)
    assert "grievances" in counted_nouns(doc)
    sent = list(doc.sents)[1]
    forty = [sp for sp in doc.spans["numbers"] if sp.text == "40"]
    assert [r.counted_noun for r in read_sentence(sent, forty)] == [True]
    assert [(c.value, c.measure, c.measure_text) for c in doc._.claims] == [
        (9, "dismissed", "dismissed"), (40, "reported", "grievances")]
    fresh = misconduct_nlp.load()
    doc = fresh(COUNTED)
    assert "grievances" not in counted_nouns(doc) and "officers" not in counted_nouns(doc)
    assert [(c.value, c.measure) for c in doc._.claims] == [(9, "dismissed"), (40, "dismissed")]
    assert "cases" in counted_nouns(fresh("It recorded 40 cases."))  # the package's nouns count too


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    aliases = tmp_path / "aliases.json"
    aliases.write_text(json.dumps(ALIASES), encoding="utf-8")
    lexicon = tmp_path / "dismissals.jsonl"
    lexicon.write_text(json.dumps(LEXICON_ROW) + "\n", encoding="utf-8")
    return folder, aliases, lexicon


def by_article(claims):
    return {c["article"]: c for c in claims}


def assert_user_additions_used(claims):
    found = by_article(claims)
    assert found["garden"]["value"] == 14 and found["garden"]["force"]["id"] == "kent"
    assert found["verb"]["value"] == 9 and found["verb"]["measure"] == "dismissed"


def run(folder, out, **kw):
    summary = run_batch([str(folder)], BatchOptions(output=out, quiet=True, **kw), stderr=io.StringIO())
    assert summary.exit_status == 0, summary.failures
    return read_claims(out)


def test_without_the_files_the_claims_lack_them(inputs, tmp_path):
    folder, _, _ = inputs
    found = by_article(run(folder, tmp_path / "plain.jsonl", workers=1))
    assert (found["garden"].get("force") or {}).get("id") != "kent"
    assert found["verb"]["measure"] != "dismissed"


def test_one_process(inputs, tmp_path):
    folder, aliases, lexicon = inputs
    claims = run(folder, tmp_path / "one.jsonl", workers=1, aliases=[str(aliases)],
                 lexicons=[f"measures={lexicon}"])
    assert_user_additions_used(claims)


def test_two_workers_get_the_additions(inputs, tmp_path):
    folder, aliases, lexicon = inputs
    one = run(folder, tmp_path / "one.jsonl", workers=1, aliases=[str(aliases)],
              lexicons=[f"measures={lexicon}"])
    two = run(folder, tmp_path / "two.jsonl", workers=2, min_parallel_bytes=0, aliases=[str(aliases)],
              lexicons=[f"measures={lexicon}"])
    assert_user_additions_used(two)
    assert two == one


def test_rows_naming_their_group_and_jsonl_aliases(inputs, tmp_path):
    folder, _, _ = inputs
    lexicon = tmp_path / "grouped.jsonl"
    lexicon.write_text(json.dumps({"group": "measures", **LEXICON_ROW}) + "\n", encoding="utf-8")
    aliases = tmp_path / "aliases.jsonl"
    aliases.write_text(json.dumps({"id": "kent", "aliases": ALIASES["kent"]}) + "\n", encoding="utf-8")
    resources = read_resources([str(lexicon)], [str(aliases)])
    assert resources.lexicon == (("measures", "dismissed", ("frobnicated",), 2, False),)
    assert resources.aliases == ((str(aliases), "kent", ("the Garden of England force",)),)
    assert_user_additions_used(run(folder, tmp_path / "g.jsonl", workers=1, lexicons=[str(lexicon)],
                                   aliases=[str(aliases)]))


def test_saved_pipeline_with_pipeline_flag(inputs, tmp_path):
    import misconduct_nlp

    folder, _, _ = inputs
    nlp = misconduct_nlp.load()
    nlp.get_pipe("misconduct_forces").add_aliases(ALIASES)
    nlp.get_pipe("misconduct_measures").add_terms("dismissed", ["frobnicated"])
    saved = tmp_path / "saved"
    nlp.to_disk(saved)
    out = tmp_path / "saved.jsonl"
    assert main(["extract", str(folder), "-o", str(out), "-q", "--pipeline", str(saved)]) == 0
    assert_user_additions_used(read_claims(out))


def test_extract_cli_with_dask_engine(inputs, tmp_path):
    pytest.importorskip("distributed")
    folder, aliases, lexicon = inputs
    out = tmp_path / "dask.jsonl"
    cmd = [sys.executable, "-m", "misconduct_nlp.cli", "extract", str(folder), "-o", str(out), "-q",
           "--engine", "dask", "-j", "1", "--aliases", str(aliases), "--lexicon", f"measures={lexicon}"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert_user_additions_used(read_claims(out))


def test_dask_partitions_get_the_additions(inputs, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder, aliases, lexicon = inputs
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None, silence_logs=40) as cluster:
        opts = BatchOptions(output=tmp_path / "parts", engine="dask", scheduler=cluster.scheduler_address,
                            partitioned=True, quiet=True, aliases=[str(aliases)],
                            lexicons=[f"measures={lexicon}"])
        assert run_batch([str(folder)], opts, stderr=io.StringIO()).exit_status == 0
    claims = [c for part in sorted((tmp_path / "parts").glob("part-*.jsonl")) for c in read_claims(part)]
    assert_user_additions_used(claims)


def test_ledger_and_evaluate_take_the_files(inputs, tmp_path):
    folder, aliases, lexicon = inputs
    out = tmp_path / "ledger.jsonl"
    assert main(["ledger", str(folder), "-o", str(out), "-j", "1", "--aliases", str(aliases),
                 "--lexicon", f"measures={lexicon}"]) == 0
    assert "kent" in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- bad files


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


BAD = [
    ("--lexicon", "nogroup.jsonl", json.dumps(LEXICON_ROW), "", "E028"),
    ("--lexicon", "rows.jsonl", "not json\n", "measures=", "E028"),
    ("--lexicon", "label.jsonl", json.dumps({"label": "sacked", "terms": ["x"]}), "measures=", "E028"),
    ("--lexicon", "terms.jsonl", json.dumps({"label": "dismissed", "terms": "x"}), "measures=", "E028"),
    ("--lexicon", "clash.jsonl", json.dumps({"group": "ranks", **LEXICON_ROW}), "measures=", "E028"),
    ("--lexicon", "group.jsonl", json.dumps(LEXICON_ROW), "sanctions=", "E026"),
    ("--aliases", "aliases.json", '{"kent": 3}', "", "E029"),
    ("--aliases", "rows.jsonl", '{"id": "essex", "aliases": ["x"]}\n{"force": "kent"}\n', "", "E029"),
    ("--aliases", "text.json", "kent: the Garden of England force\n", "", "E029"),
    ("--aliases", "unknown.json", '{"kentt": ["the Garden of England force"]}', "", "E030"),
]


@pytest.mark.parametrize("option, name, text, prefix, code", BAD, ids=[b[1] + "-" + b[4] for b in BAD])
def test_bad_files_are_usage_errors(inputs, tmp_path, capsys, option, name, text, prefix, code):
    folder, _, _ = inputs
    path = write(tmp_path, name, text)
    out = tmp_path / "out.jsonl"
    out.write_text("kept\n", encoding="utf-8")
    assert main(["extract", str(folder), "-o", str(out), "--force", "-q", option, prefix + path]) == 2
    err = capsys.readouterr().err
    assert f"[{code}]" in err and "misconduct-nlp extract:" in err
    assert out.read_text(encoding="utf-8") == "kept\n"  # nothing was written


def test_missing_file_and_bad_pipeline_are_usage_errors(inputs, tmp_path, capsys):
    folder, aliases, _ = inputs
    for args, code in [(["--aliases", str(tmp_path / "none.json")], "E027"),
                       (["--lexicon", f"ranks={tmp_path / 'none.jsonl'}"], "E027"),
                       (["--pipeline", str(tmp_path)], "E031"),
                       (["--pipeline", str(tmp_path), "--model", "en_core_web_sm"], "E032")]:
        assert main(["extract", str(folder), "-q", *args]) == 2, args
        assert f"[{code}]" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["report", "ledger", "evaluate"])
def test_other_commands_reject_bad_files(inputs, tmp_path, capsys, command):
    folder, _, _ = inputs
    bad = write(tmp_path, "bad.json", '{"nowhere": ["x"]}')
    extra = {"evaluate": ["--gold", write(tmp_path, "gold.jsonl", "")],
             "report": ["-o", str(tmp_path / "r.html")]}.get(command, [])
    assert main([command, str(folder), "--aliases", bad, *extra]) == 2
    assert "[E030]" in capsys.readouterr().err


def test_read_resources_raises_usage_errors(tmp_path):
    with pytest.raises(UsageError) as e:
        read_resources([], [write(tmp_path, "a.json", "[1, 2]")])
    assert code_of(str(e.value)) == "E029"
    with pytest.raises(UsageError) as e:
        read_resources([f"measures={write(tmp_path, 'l.jsonl', json.dumps({**LEXICON_ROW, 'strength': 5}))}"])
    assert code_of(str(e.value)) == "E028" and ":1:" in str(e.value)
