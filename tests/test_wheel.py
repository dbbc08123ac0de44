"""The package installed from its wheel, outside the source tree, gives what the editable clone gives.

How: ``python -m build --no-isolation`` makes the sdist, then the wheel *from the sdist* (so a file
missing from the sdist fails here too), into a temporary folder. A fresh virtualenv is made there
(``python -m venv --without-pip``, no ``--system-site-packages``) and the wheel is installed into it
with this environment's pip (``pip --python NEWVENV/bin/python install --no-deps --no-index``).

Dependencies, without network: the new venv gets one ``.pth`` file naming this environment's
site-packages folder. A ``.pth`` line only *appends a folder to sys.path*; the ``.pth`` files inside
that folder are not run, so the editable install's ``__editable__…pth`` (which puts the clone on
sys.path) has no effect in the new venv. The new venv's own site-packages
comes first on sys.path, so ``kg`` and friends are the wheel's. This was chosen over a wheelhouse
(``pip install --no-index --find-links``) because wheels of every dependency (spaCy, onnxruntime,
pyoxigraph…) cannot be made without network or a complete pip cache; the .pth costs nothing and is
as fast as an import. The tests check that it holds: ``kg.__file__``, the bundled lexicons and
queries and the distribution's metadata all come from the new venv, and every command runs with its
working directory outside the repository on a copy of data/samples.

Records (``kg extract``) and the built graph (``kg build``) must equal the editable install's on the
same copy: they hold no volatile fields (paths are those of the same copy; timings go to stderr),
so they are compared exactly.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "extract", "ontology", "loaders", "viz")
PACKAGE_DATA = ("extract/rules/officials.json", "extract/rules/furniture.json", "extract/rules/surnames.txt",
                "ontology/zhengwu.ttl", "ontology/shapes.ttl", "loaders/queries/co-attendance.rq",
                "loaders/queries/co-attendance.cypher", "viz/templates/page.html", "viz/templates/page.js",
                "viz/templates/page.css", "kg/templates/workbench.html", "kg/templates/entity.html",
                "kg/static/workbench.js", "kg/static/kg.css", "kg/static/yasgui/yasgui.min.js",
                "kg/static/yasgui/yasgui.min.css", "kg/static/yasgui/LICENSE")


def _env() -> dict[str, str]:
    """The environment for commands: nothing that points Python at the clone; no model download."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["ZHENGWU_KG_NO_FETCH"] = "1"  # the model must already be cached (scripts/setup.sh): say so, not fetch
    env.pop("ZHENGWU_KG_LEXICONS", None)
    return env


def _run(args: list[str], cwd: Path, timeout: float = 600, env: dict[str, str] | None = None):
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env or _env(), capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


FINGERPRINT = ("import json; from kg.cache import code_hash, lexicon_hash; from kg.writers import output_fingerprint\n"
               "from kg.scale import resolver_fingerprint\n"
               "print(json.dumps([code_hash(), lexicon_hash(), output_fingerprint(), resolver_fingerprint('x')]))")


def _code(python: str | Path, cwd: Path) -> list[str]:
    """Hashes of the code and data records and outputs depend on, as ``python`` imports them."""
    return json.loads(_run([python, "-c", FINGERPRINT], cwd).stdout)


class Installed:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.clone_code: list[str] = []
        self.dist = base / "dist"
        self.venv = base / "venv"
        self.python = self.venv / "bin" / "python"
        self.kg = self.venv / "bin" / "kg"
        self.work = base / "work"  # the working directory of every command: outside the repository
        self.samples = base / "samples"

    @property
    def wheel(self) -> Path:
        (wheel,) = self.dist.glob("zhengwu_kg-*.whl")
        return wheel

    @property
    def sdist(self) -> Path:
        (sdist,) = self.dist.glob("zhengwu_kg-*.tar.gz")
        return sdist

    def py(self, code: str, env: dict[str, str] | None = None) -> str:
        return _run([self.python, "-c", code], self.work, env=env).stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    inst = Installed(tmp_path_factory.mktemp("wheel"))
    inst.work.mkdir()
    shutil.copytree(ROOT / "data" / "samples", inst.samples)
    inst.clone_code = _code(sys.executable, inst.work)  # the clone's code when the wheel is built
    # sdist, then the wheel built from the unpacked sdist; --no-isolation: no network for setuptools
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", inst.dist, ROOT], inst.work)
    _run([sys.executable, "-m", "venv", "--without-pip", inst.venv], inst.work)
    purelib = Path(_run([inst.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        inst.work).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "zz-dependencies-from-the-test-environment.pth").write_text(
        "".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", inst.python, "install", "--quiet", "--no-deps", "--no-index",
          inst.wheel], inst.work)
    return inst


def test_the_sdist_and_wheel_hold_the_packages_their_data_and_complete_metadata(installed):
    with zipfile.ZipFile(installed.wheel) as whl:
        names = set(whl.namelist())
        meta = Parser().parsestr(whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
    tops = {n.split("/")[0] for n in names}
    assert tops == {*PACKAGES, next(n.split("/")[0] for n in names if ".dist-info/" in n)}
    assert set(PACKAGE_DATA) <= names
    assert "kg/commands/extract.py" in names and not any("__pycache__" in n for n in names)
    assert meta["Version"] == installed.py("import kg; print(kg.__version__)").strip()
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("Classifier") and meta.get_all("Project-URL")
    assert meta["Description-Content-Type"] == "text/markdown" and "政务知识图谱" in meta.get_payload()

    import tarfile

    with tarfile.open(installed.sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {"pyproject.toml", "README.md", *PACKAGE_DATA} <= members


def test_the_wheel_not_the_clone_is_what_runs(installed):
    site = str(installed.venv)
    where = json.loads(installed.py(
        "import json, sys, kg, extract, ontology, loaders, viz, kg.commands\n"
        "from importlib import metadata\n"
        "from extract.lexicons import BUNDLED\n"
        "from loaders.neo4j_queries import QUERY_DIR\n"
        "from viz.render import TEMPLATES\n"
        "from ontology.to_rdf import ONTOLOGY_PATH\n"
        "print(json.dumps({'modules': [m.__file__ for m in (kg, extract, ontology, loaders, viz, kg.commands)],\n"
        "  'data': [str(p) for p in (BUNDLED, QUERY_DIR, TEMPLATES, ONTOLOGY_PATH)],\n"
        "  'dist': str(metadata.distribution('zhengwu-kg')._path), 'version': metadata.version('zhengwu-kg'),\n"
        "  'editable_finder': any('editable' in repr(f).lower() for f in sys.meta_path),\n"
        "  'path': sys.path}))"))
    for path in where["modules"] + where["data"] + [where["dist"]]:
        assert path.startswith(site) and not path.startswith(str(ROOT)), path
    assert not where["editable_finder"]  # the clone's editable install (.pth or finder) is not in play
    assert str(ROOT) not in [str(Path(p).resolve()) for p in where["path"] if p]

    version = _run([installed.kg, "--version"], installed.work).stdout.strip()
    assert version == f"kg (zhengwu-kg) {where['version']}"
    assert where["version"] == metadata.version("zhengwu-kg")  # the same version as this clone's


def test_extract_and_build_from_the_wheel_equal_the_editable_install(installed):
    work, samples = installed.work, installed.samples
    _run([installed.kg, "extract", samples, "-o", work / "wheel.jsonl"], work)
    _run([sys.executable, "-m", "kg.cli", "extract", samples, "-o", work / "editable.jsonl"], work)
    if _code(sys.executable, work) != installed.clone_code:  # in CI the clone never changes under a test
        pytest.skip("someone edited the extraction code while the test ran: the wheel holds the older code")
    assert _code(installed.python, work) == installed.clone_code  # the wheel holds the clone's code and data
    wheel = [json.loads(line) for line in (work / "wheel.jsonl").read_text(encoding="utf-8").splitlines()]
    editable = [json.loads(line) for line in (work / "editable.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(wheel) == len(editable) >= 10
    assert [r["entities"] for r in wheel] == [r["entities"] for r in editable]
    assert [r["relations"] for r in wheel] == [r["relations"] for r in editable]
    assert wheel == editable

    _run([installed.kg, "build", samples, "--out", work / "out-wheel", "--no-progress"], work)
    _run([sys.executable, "-m", "kg.cli", "build", samples, "--out", work / "out-editable", "--no-progress"], work)
    if _code(sys.executable, work) != installed.clone_code:
        pytest.skip("someone edited the extraction code while the test ran: the wheel holds the older code")
    for name in ("graph.json", "graph.ttl", "graph.trig", "records.jsonl"):
        assert (work / "out-wheel" / name).read_bytes() == (work / "out-editable" / name).read_bytes(), name
    assert (work / "out-wheel" / "graph.html").is_file()
    # the same extractor fingerprint: the record caches of the two builds hold the same keys
    keys = {d: sorted(p.name for p in (work / d / ".cache").rglob("*.json")) for d in ("out-wheel", "out-editable")}
    assert keys["out-wheel"] and keys["out-wheel"] == keys["out-editable"]

    # the installed query page offers the bundled cookbook; kg query runs a bundled query
    assert "co-attendance" in installed.py("from kg.serve import cookbook; print(sorted(cookbook()))")
    rq = installed.py("from loaders.neo4j_queries import QUERY_DIR; print(QUERY_DIR / 'co-attendance.rq')").strip()
    assert _run([installed.kg, "query", work / "out-wheel", rq, "--format", "csv"], work).stdout.count("\n") > 1


def test_user_lexicons_are_appended_to_the_bundled_ones_in_the_wheel(installed, tmp_path):
    (tmp_path / "surnames.txt").write_text("測試\n", encoding="utf-8")
    code = "from extract.lexicons import load; print(len(load().surnames), '測試' in load().surnames)"
    plain = installed.py(code).split()
    extended = installed.py(code, env={**_env(), "ZHENGWU_KG_LEXICONS": str(tmp_path)}).split()
    assert plain[1] == "False" and extended[1] == "True" and int(extended[0]) == int(plain[0]) + 1
