#!/usr/bin/env python3
"""Throughput, memory and start-up of misconduct-nlp, in one run.

    python benchmarks/run_benchmark.py [--source corpus] [--articles 3000] [--workers N]
                                       [--json results.json] [--profile profile.txt]

1. Builds a large corpus from the articles in ``--source`` (default: the repository's
   ``corpus/``): ``--articles`` copies, each with its paragraphs shuffled (headline first)
   and its small numbers redrawn, so no two articles are the same text.
2. Times, over that corpus:
   * the bare ``spacy.blank("en")`` tokenizer (``nlp.pipe``), the speed ceiling;
   * a baseline that runs quantulum3 on every sentence (on a time-boxed sample);
   * the full ``misconduct-nlp extract`` command with 1 worker and with N workers, as
     subprocesses, wall clock including start-up, reading and writing; peak RSS of the
     1-worker run; checks that both outputs are identical;
   * start-up: ``misconduct-nlp --help`` and a one-file ``extract`` run (best of 3).
3. Prints a table (and the machine) and optionally writes the figures as JSON.

Words are whitespace-separated words of the article text as read. With ``--profile`` the
in-process extraction of a sample is profiled with pyinstrument (if installed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "misconduct_nlp.cli"]
SMALL_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?![\d,]*\d)")


# --------------------------------------------------------------------------- corpus


def build_corpus(source: Path, dest: Path, n: int, seed: int = 0) -> tuple[int, int]:
    """Write ``n`` varied articles made from those under ``source``; (articles, words)."""
    from misconduct_nlp.io import ArticleError, discover, read_article

    files, _ = discover([source])
    texts = []
    for f in files:
        try:
            texts.append(read_article(f.path).text)
        except ArticleError:
            continue
    if not texts:
        raise SystemExit(f"no readable articles under {source}")
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    rows, words = [], 0
    for i in range(n):
        paras = [p for p in re.split(r"\n\s*\n", rng.choice(texts)) if p.strip()]
        body = paras[:1] + rng.sample(paras[1:], len(paras) - 1)
        text = "\n\n".join(body) + "\n"
        text = SMALL_NUMBER.sub(lambda m: redraw(m.group(), rng), text)
        aid = f"{i:06d}_{rng.randrange(16**8):08x}"
        (dest / f"{aid}.txt").write_text(text, encoding="utf-8")
        rows.append({"id": aid, "published": str(date(2015, 1, 1) + timedelta(days=rng.randrange(3650)))})
        words += len(text.split())
    (dest / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return n, words


def redraw(number: str, rng: random.Random) -> str:
    """Another number with as many digits."""
    k = len(number)
    return str(rng.randint(10 ** (k - 1) if k > 1 else 1, 10**k - 1))


def corpus_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


# --------------------------------------------------------------------------- measurements


def bare_tokenizer(texts: list[str], words: int) -> tuple[float, float]:
    """Words per second of wall clock and of CPU time."""
    import spacy

    nlp = spacy.blank("en")
    t, c = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return words / (time.perf_counter() - t), words / (time.process_time() - c)


def quantulum_baseline(texts: list[str], seconds: float) -> tuple[float, float, int]:
    """quantulum3 on every sentence of as many articles as fit in ``seconds``;
    (words/s of wall clock, words/s of CPU time, articles)."""
    from quantulum3 import parser

    parser.parse("warm up with 3 officers")
    done_words, n = 0, 0
    t, c = time.perf_counter(), time.process_time()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            if sentence.strip():
                parser.parse(sentence)
        done_words += len(text.split())
        n += 1
        if time.perf_counter() - t > seconds:
            break
    return done_words / (time.perf_counter() - t), done_words / (time.process_time() - c), n


def timed_run(cmd: list[str]) -> tuple[float, int, str, float]:
    """Wall seconds, peak RSS (bytes) of the process itself, stderr, its own CPU seconds."""
    with tempfile.TemporaryFile("w+") as err_file:  # not a pipe: a chatty run must not block
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        err = err_file.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, usage.ru_maxrss * 1024, err, usage.ru_utime + usage.ru_stime


def extraction(folder: Path, out: Path, workers: int, words: int) -> dict:
    cmd = [*CLI, "extract", str(folder), "-o", str(out), "--force", "-j", str(workers)]
    wall, rss, err, cpu = timed_run(cmd)
    summary = err.strip().splitlines()[-1] if err.strip() else ""
    if " 0 failed" not in summary:
        print(f"warning: articles failed in the {workers}-worker run:\n{err[-2000:]}", file=sys.stderr)
    result = {"workers": workers, "seconds": round(wall, 2), "words_per_s": round(words / wall),
              "peak_rss_mb": round(rss / 2**20, 1), "summary": summary}
    if workers == 1:  # the whole run's CPU time is this process's (with N, the workers' is not)
        result["cpu_seconds"] = round(cpu, 2)
        result["cpu_words_per_s"] = round(words / cpu)
    return result


def startup(one_file: Path, tmp: Path) -> dict:
    helps, ones = [], []
    for i in range(3):
        helps.append(timed_run([*CLI, "--help"])[0])
        out = tmp / f"one{i}.jsonl"
        ones.append(timed_run([*CLI, "extract", str(one_file), "-o", str(out), "--force"])[0])
    return {"help_s": round(min(helps), 3), "one_file_s": round(min(ones), 3),
            "one_file_median_s": round(statistics.median(ones), 3)}


def profile(texts: list[str], dest: Path) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: no profile", file=sys.stderr)
        return
    import misconduct_nlp
    from misconduct_nlp import extract_many

    nlp = misconduct_nlp.load()
    list(extract_many([(t, None, None) for t in texts[:20]], nlp=nlp))  # warm up
    p = Profiler(interval=0.0005)
    p.start()
    for _ in extract_many([(t, str(i), None) for i, t in enumerate(texts[:400])], nlp=nlp):
        pass
    p.stop()
    dest.write_text(p.output_text(unicode=False, color=False, show_all=False))
    print(f"profile written to {dest}")


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import spacy

    return {"cpu": model or platform.processor(), "cores": os.cpu_count(),
            "python": platform.python_version(), "spacy": spacy.__version__, "system": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=REPO / "corpus", help="articles to build the corpus from")
    ap.add_argument("--articles", type=int, default=3000, help="articles in the built corpus")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="N for the N-worker run")
    ap.add_argument("--quantulum-seconds", type=float, default=20.0, help="time box of the baseline")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it (default: a temp folder)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--profile", type=Path, help="write a pyinstrument profile of the extraction here")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mnlp-bench-"))
    folder = a.keep or tmp / "corpus"
    try:
        results: dict = {"machine": machine()}
        n, words = build_corpus(a.source, folder, a.articles)
        results["corpus"] = {"source": str(a.source), "articles": n, "words": words}
        print(f"corpus: {n} articles, {words:,} words from {a.source}", flush=True)
        texts = corpus_texts(folder)

        tok, tok_cpu = bare_tokenizer(texts, words)
        results["tokenizer_words_per_s"] = round(tok)
        results["tokenizer_cpu_words_per_s"] = round(tok_cpu)
        print(f"bare tokenizer: {tok:,.0f} words/s ({tok_cpu:,.0f} per CPU second)", flush=True)
        wps, q_cpu, m = quantulum_baseline(texts, a.quantulum_seconds)
        results["quantulum_every_sentence"] = {"words_per_s": round(wps), "cpu_words_per_s": round(q_cpu),
                                               "articles": m}
        print(f"quantulum3 on every sentence: {wps:,.0f} words/s ({q_cpu:,.0f} per CPU second, "
              f"{m} articles)", flush=True)

        one = extraction(folder, tmp / "one.jsonl", 1, words)
        print(f"extract, 1 worker: {one['words_per_s']:,} words/s ({one['cpu_words_per_s']:,} per CPU "
              f"second), {one['seconds']} s, peak RSS {one['peak_rss_mb']} MB", flush=True)
        many = extraction(folder, tmp / "many.jsonl", a.workers, words)
        print(f"extract, {a.workers} workers: {many['words_per_s']:,} words/s, {many['seconds']} s",
              flush=True)
        identical = (tmp / "one.jsonl").read_bytes() == (tmp / "many.jsonl").read_bytes()
        results["extract_1"], results["extract_n"] = one, many
        results["outputs_identical"] = identical
        results["scaling"] = round(many["words_per_s"] / one["words_per_s"], 2)
        results["ratio_to_tokenizer"] = round(one["words_per_s"] / tok, 3)
        results["cpu_ratio_to_tokenizer"] = round(one["cpu_words_per_s"] / tok_cpu, 3)
        results["startup"] = startup(next(folder.glob("*.txt")), tmp)
        results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        if a.profile:
            profile(texts, a.profile)

        s = results["startup"]
        print()
        print(f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
              f"Python {results['machine']['python']}, spaCy {results['machine']['spacy']}, "
              f"load {results['machine']['load_average']} -> {results['machine']['load_average_end']}")
        rows = [
            ("bare spacy.blank('en') tokenizer", f"{tok:,.0f} words/s ({tok_cpu:,.0f} per CPU s)"),
            ("quantulum3 on every sentence", f"{wps:,.0f} words/s ({q_cpu:,.0f} per CPU s)"),
            ("extract, 1 worker (wall, incl. start-up)",
             f"{one['words_per_s']:,} words/s ({one['cpu_words_per_s']:,} per CPU s)"),
            (f"extract, {a.workers} workers", f"{many['words_per_s']:,} words/s (x{results['scaling']})"),
            ("1 worker / tokenizer", f"{results['ratio_to_tokenizer']:.1%} "
                                     f"(per CPU s: {results['cpu_ratio_to_tokenizer']:.1%})"),
            ("peak RSS, 1 worker", f"{one['peak_rss_mb']} MB"),
            ("start-up: --help", f"{s['help_s']} s"),
            ("start-up: one-file extract", f"{s['one_file_s']} s (median {s['one_file_median_s']} s)"),
            ("outputs identical (1 vs N workers)", str(identical)),
        ]
        width = max(len(r[0]) for r in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")
        if a.json:
            a.json.write_text(json.dumps(results, indent=2) + "\n")
        return 0 if identical else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
