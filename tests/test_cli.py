"""The command line: ``--version``, numeric options checked as usage errors (exit status 2),
an input with no articles, ``extract --min-confidence``."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

import misconduct_nlp
from misconduct_nlp import batch
from misconduct_nlp.batch import BatchOptions, run_batch
from misconduct_nlp.cli import NumberOption, build_parser, main
from misconduct_nlp.errors import UsageError

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")

#: Bad values for every numeric option of every sub-command, with the code each gives.
BAD = {
    ("extract", "-j"): [("-3", "E022"), ("x", "E020"), ("1.5", "E020")],
    ("extract", "--max-bytes"): [("-1", "E022"), ("lots", "E020")],
    ("extract", "--batch-size"): [("0", "E022"), ("-4", "E022")],
    ("extract", "--article-timeout"): [("-1", "E022"), ("soon", "E021"), ("nan", "E021"), ("inf", "E021")],
    ("extract", "--min-confidence"): [("2", "E023"), ("-0.1", "E022"), ("nan", "E021"), ("high", "E021")],
    ("report", "--min-confidence"): [("1.5", "E023"), ("-1", "E022"), ("inf", "E021")],
    ("ledger", "-j"): [("-3", "E022"), ("two", "E020")],
    ("evaluate", "-j"): [("-1", "E022")],
}
GOOD = {
    ("extract", "-j"): ["0", "2"], ("extract", "--max-bytes"): ["0", "1000"],
    ("extract", "--batch-size"): ["1"], ("extract", "--min-confidence"): ["0", "0.5", "1"],
    ("extract", "--article-timeout"): ["0", "0.5", "60"],
    ("report", "--min-confidence"): ["0", "1"],
    ("ledger", "-j"): ["0", "1"], ("evaluate", "-j"): ["0"],
}

REQUIRED = {"evaluate": ["--gold", "gold.jsonl"]}  # options a command cannot run without


def subcommands():
    return build_parser()._subparsers._group_actions[0].choices


def test_every_numeric_option_is_checked():
    """Every option taking a number has bounds (a NumberOption), and the table covers it."""
    numeric = set()
    for name, sub in subcommands().items():
        for action in sub._actions:
            assert action.type not in (int, float), f"{name} {action.option_strings}: unchecked number"
            if isinstance(action.type, NumberOption):
                numeric.add((name, action.option_strings[0]))
    assert numeric == set(BAD) == set(GOOD)


@pytest.mark.parametrize("command, option, value, code",
                         [(c, o, v, code) for (c, o), bad in BAD.items() for v, code in bad])
def test_bad_numbers_are_usage_errors(command, option, value, code, tmp_path, capsys):
    status = main([command, str(tmp_path), f"{option}={value}", *REQUIRED.get(command, [])])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("usage: misconduct-nlp " + command), err
    assert f"[{code}]" in err and value in err and "give " in err.split(f"[{code}]")[1], err


@pytest.mark.parametrize("command, option, value", [(c, o, v) for (c, o), good in GOOD.items() for v in good])
def test_good_numbers_are_accepted(command, option, value, tmp_path):
    args = build_parser().parse_args([command, str(tmp_path), option, value, *REQUIRED.get(command, [])])
    dest = {"-j": "workers"}.get(option, option.lstrip("-").replace("-", "_"))
    assert getattr(args, dest) == float(value)


def test_batch_options_from_python_are_checked_the_same_way():
    for kw in ({"workers": -1}, {"max_bytes": -5}, {"batch_size": 0}, {"min_confidence": 1.2},
               {"min_confidence": float("nan")}, {"workers": True}, {"published": "01/03/2021"}):
        with pytest.raises(UsageError) as e:
            BatchOptions(**kw)
        assert e.value.code in ("E020", "E021", "E022", "E023", "E024"), kw
    assert BatchOptions(workers=3, max_bytes=0, batch_size=1, min_confidence=1).min_confidence == 1.0


def test_bad_date_is_a_usage_error(tmp_path, capsys):
    for command in ("extract", "report"):
        assert main([command, str(tmp_path), "--published", "01/03/2021"]) == 2
        err = capsys.readouterr().err
        assert "[E024]" in err and "01/03/2021" in err and "YYYY-MM-DD" in err


def test_version():
    done = subprocess.run([sys.executable, "-m", "misconduct_nlp.cli", "--version"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"misconduct-nlp {misconduct_nlp.__version__}"


def test_version_and_help_return_zero_from_main(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip().endswith(misconduct_nlp.__version__)
    assert main(["extract", "--help"]) == 0
    assert main([]) == 2


# --------------------------------------------------------------------------- nothing to extract


def test_a_folder_with_no_articles_warns_and_fails(tmp_path, capsys):
    empty = tmp_path / "archive"
    empty.mkdir()
    (empty / "README.md").write_text("What this folder is for.\n")
    (empty / "notes.pdf").write_bytes(b"%PDF")
    assert main(["extract", str(empty), "-o", str(tmp_path / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert f"warning: [W001] {empty} holds no articles" in err
    assert "0 articles read, 0 skipped, 0 failed, 1 warning, 0 claims" in err


def test_an_empty_folder_beside_articles_only_warns(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("12 officers were dismissed.\n")
    err = io.StringIO()
    summary = run_batch([tmp_path / "empty", tmp_path / "news"],
                        BatchOptions(workers=1, quiet=True, **FAKE), stderr=err, stdout=io.BytesIO())
    assert summary.exit_status == 0 and summary.read == 1
    assert summary.warnings == [w for w in summary.warnings if "[W001]" in w] and len(summary.warnings) == 1
    assert str(tmp_path / "empty") in err.getvalue()


def test_no_articles_with_the_dask_engine_fails_too(tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "empty").mkdir()
    err = io.StringIO()
    opts = BatchOptions(output=tmp_path / "parts", engine="dask", partitioned=True, workers=1, quiet=True,
                        **FAKE)
    summary = run_batch([tmp_path / "empty"], opts, stderr=err)
    assert summary.exit_status == 1 and "[W001]" in err.getvalue()


# --------------------------------------------------------------------------- --min-confidence


def test_min_confidence_reaches_the_claims_component(tmp_path):
    nlp = batch._pipeline(batch.DEFAULT_LOADER, None, 0.7)
    assert nlp.get_pipe("misconduct_claims").min_confidence == 0.7
    assert batch._pipeline(batch.DEFAULT_LOADER, None, 0.0).get_pipe("misconduct_claims").min_confidence == 0


def test_extract_min_confidence_leaves_out_weaker_claims(tmp_path):
    from _articles import write_articles

    write_articles(tmp_path / "in", 6, seed=3)

    def claims(threshold: float) -> list[dict]:
        out = io.BytesIO()
        run_batch([tmp_path / "in"], BatchOptions(workers=1, quiet=True, min_confidence=threshold),
                  stderr=io.StringIO(), stdout=out)
        return [json.loads(line) for line in out.getvalue().decode().splitlines()]

    every = claims(0.0)
    confidences = sorted({c["confidence"] for c in every})
    assert len(confidences) > 1, "the articles should give claims of more than one confidence"
    threshold = confidences[len(confidences) // 2]
    some = claims(threshold)
    assert some and len(some) < len(every)
    assert all(c["confidence"] >= threshold for c in some)


def test_min_confidence_needs_a_claims_component(tmp_path):
    (tmp_path / "a.txt").write_text("3 officers\n")
    err = io.StringIO()
    summary = run_batch([tmp_path], BatchOptions(workers=1, quiet=True, min_confidence=0.5, **FAKE),
                        stderr=err, stdout=io.BytesIO())
    assert summary.exit_status == 1 and "[E201]" in err.getvalue() and "[E025]" in err.getvalue()

