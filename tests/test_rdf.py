"""The RDF mapping and kg build's outputs: SHACL conformance, every file parses back (rdflib and Jena
riot), named graphs per article, labels, provenance, and atomic replacement of outputs."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SKOS

from _kg_articles import TEXTS, all_records, record_a
from _kg_builds import fixture_build, jena
from kg.build import WRITERS, write_outputs
from kg.graph import Graph
from kg.resolve import resolve
from ontology.to_rdf import ONTOLOGY_PATH, ORG, SHAPES_PATH, ZW, default_graph, to_rdf, union_graph

FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.trig")


def shacl(data: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_PATH),
                                         ont_graph=rdflib.Graph().parse(ONTOLOGY_PATH))
    return conforms, text


def test_ontology_and_shapes_parse_and_declare_every_term_the_data_uses():
    onto = rdflib.Graph().parse(ONTOLOGY_PATH)
    rdflib.Graph().parse(SHAPES_PATH)
    declared = {s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ZW))}
    data = union_graph(to_rdf(resolve(all_records(), texts=TEXTS)))
    used = {t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(str(ZW))}
    assert used and used <= declared, used - declared
    # aligned with the vocabularies users know
    assert (ZW.Organization, rdflib.RDFS.subClassOf, ORG.Organization) in onto
    assert (ZW.Official, rdflib.RDFS.subClassOf, ZW.Person) in onto


def test_built_graph_conforms_to_shapes():
    conforms, text = shacl(union_graph(to_rdf(resolve(all_records(), texts=TEXTS))))
    assert conforms, text


def test_shapes_catch_broken_data():
    data = union_graph(to_rdf(resolve(all_records(), texts=TEXTS)))
    official = next(data.subjects(RDF.type, ZW.Official))
    policy = next(data.subjects(RDF.type, ZW.Policy))
    data.add((official, ZW.attended, policy))  # a policy is not a meeting
    conforms, text = shacl(data)
    assert not conforms and "zw:Meeting" in text
    data = union_graph(to_rdf(resolve(all_records(), texts=TEXTS)))
    data.remove((official, SKOS.prefLabel, None))  # an entity without its Chinese label
    assert not shacl(data)[0]


def test_labels_in_chinese_and_pinyin_for_people_and_places():
    data = union_graph(to_rdf(resolve(all_records(), texts=TEXTS)))
    official = next(s for s in data.subjects(RDF.type, ZW.Official)
                    if Literal("赵强", lang="zh") in set(data.objects(s, SKOS.prefLabel)))
    labels = set(data.objects(official, SKOS.prefLabel))
    assert Literal("Zhào Qiáng", lang="zh-Latn-pinyin") in labels
    policy = next(data.subjects(RDF.type, ZW.Policy))
    assert all(lbl.language == "zh" for lbl in data.objects(policy, SKOS.prefLabel))


def test_one_named_graph_per_article_holding_its_statements_and_evidence():
    graph = resolve(all_records(), texts=TEXTS)
    ds = to_rdf(graph)
    names = {g.identifier for g in ds.graphs() if isinstance(g.identifier, URIRef)} - {rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    assert names == {URIRef(a) for a in graph.articles}
    for edge in graph.edges:
        for p in edge.provenance:
            g = ds.graph(URIRef(p.article))
            assert (URIRef(edge.source), ZW[edge.type], URIRef(edge.target)) in g
            ev = [e for e in g.subjects(RDF.subject, URIRef(edge.source))
                  if (e, RDF.predicate, ZW[edge.type]) in g and (e, RDF.object, URIRef(edge.target)) in g
                  and int(g.value(e, ZW.startOffset)) == p.start]
            assert len(ev) == 1
            assert str(g.value(ev[0], ZW.evidenceText)) == p.sentence
            assert TEXTS[graph.articles[p.article].doc_id][p.start:p.end] == p.sentence
    # the article's metadata (title, date, URL) is in the default graph under the graph's own name
    a = next(a for a in graph.articles.values() if a.doc_id == "doc-a")
    assert str(default_graph(ds).value(URIRef(a.iri), rdflib.namespace.DCTERMS.title)) == a.title


def test_every_output_file_parses_back_to_the_same_triples(tmp_path):
    graph = resolve(all_records(), texts=TEXTS)
    write_outputs(graph, tmp_path)
    expected = union_graph(to_rdf(graph))
    for name, fmt in [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")]:
        g = rdflib.Graph().parse(tmp_path / name, format=fmt)
        assert set(g) == set(expected), name  # no blank nodes: plain set equality
    trig = rdflib.Dataset().parse(tmp_path / "graph.trig", format="trig")
    assert len(list(trig.quads((None, None, None, None)))) == len(list(to_rdf(graph).quads((None, None, None, None))))
    jsonld = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert "@context" in jsonld and jsonld["@context"]["zw"] == str(ZW)
    back = Graph.from_dict(json.loads((tmp_path / "graph.json").read_text(encoding="utf-8")))
    assert back.to_dict() == graph.to_dict()
    # the on-disk store holds the whole dataset
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert len(list(store.quads_for_pattern(None, None, None, None))) == len(list(ox.parse(
        path=str(tmp_path / "graph.trig"), format=ox.RdfFormat.TRIG)))


@pytest.mark.slow
def test_jena_riot_validates_every_output():
    out = fixture_build()
    proc = jena("riotcmd.riot", "--validate", *[str(out / f) for f in FILES], str(ONTOLOGY_PATH), str(SHAPES_PATH))
    assert proc.returncode == 0 and "ERROR" not in proc.stderr, proc.stderr + proc.stdout


def test_rebuild_replaces_outputs_and_store_atomically(tmp_path):
    write_outputs(resolve([record_a()], texts=TEXTS), tmp_path)
    first_store = (tmp_path / "store").resolve()
    graph = resolve(all_records(), texts=TEXTS)
    write_outputs(graph, tmp_path)
    assert (tmp_path / "store").is_symlink() and (tmp_path / "store").resolve() != first_store
    assert not first_store.exists()  # the old store is gone once the new one is live
    store = ox.Store.read_only(str(tmp_path / "store"))
    articles = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                                                     ox.NamedNode(str(ZW.Article)), None)}
    assert articles == set(graph.articles)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".kg-build-")]
    assert leftovers == []


def test_a_failing_writer_leaves_the_previous_outputs_untouched(tmp_path):
    write_outputs(resolve([record_a()], texts=TEXTS), tmp_path)
    before = {f: (tmp_path / f).read_bytes() for f in FILES}
    store_before = (tmp_path / "store").resolve()
    stores_before = sorted(p.name for p in (tmp_path / ".stores").iterdir())

    def broken(out, path: Path) -> None:
        path.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_outputs(resolve(all_records(), texts=TEXTS), tmp_path,
                      writers=[w for w in WRITERS if w[0] != "store"] + [("store", broken)])
    assert {f: (tmp_path / f).read_bytes() for f in FILES} == before
    assert (tmp_path / "store").resolve() == store_before and store_before.is_dir()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kg-build-")]
    assert sorted(p.name for p in (tmp_path / ".stores").iterdir()) == stores_before


def test_existing_real_store_folder_is_replaced(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "junk").write_text("x")
    write_outputs(resolve([record_a()], texts=TEXTS), tmp_path)
    assert (tmp_path / "store").is_symlink()
    assert ox.Store.read_only(str(tmp_path / "store")) is not None
    assert os.path.isdir(tmp_path / "store")


def test_post_parses_are_in_the_graph_and_checked_by_the_shapes():
    """A post carries its parsed title (docs/careers.md); a rank or adcode outside the conventions fails."""
    data = union_graph(to_rdf(resolve(all_records(), texts=TEXTS)))
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    posts = list(data.subjects(RDF.type, org.Post))
    ranked = [p for p in posts if (p, ZW.rank, None) in data]
    assert ranked and all((p, ZW.position, None) in data and (p, ZW.gloss, None) in data for p in ranked)
    bad = ranked[0]
    data.set((bad, ZW.rank, rdflib.Literal("大官", lang="zh")))
    assert not shacl(data)[0]
    data = union_graph(to_rdf(resolve(all_records(), texts=TEXTS)))
    data.set((ranked[0], ZW.adcode, rdflib.Literal("42")))
    assert not shacl(data)[0]


def test_sample_build_conforms_and_parses_back():
    """`kg build data/samples`: the union graph conforms to the shapes; Turtle/TriG parse back."""
    from _kg_builds import samples_build

    out = samples_build()
    data = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    conforms, text = shacl(data)
    assert conforms, text
    trig = rdflib.Dataset().parse(out / "graph.trig", format="trig")
    named = {g.identifier for g in trig.graphs()} - {rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    graph = Graph.from_dict(json.loads((out / "graph.json").read_text(encoding="utf-8")))
    assert named == {URIRef(a) for a in graph.articles} and len(named) == 10


@pytest.mark.slow
def test_jena_riot_validates_the_sample_build():
    from _kg_builds import samples_build

    out = samples_build()
    proc = jena("riotcmd.riot", "--validate", *[str(out / f) for f in FILES])
    assert proc.returncode == 0 and "ERROR" not in proc.stderr, proc.stderr + proc.stdout


def test_a_second_build_into_the_same_folder_is_refused(tmp_path):
    import fcntl

    from kg.build import BuildBusy

    write_outputs(resolve([record_a()], texts=TEXTS), tmp_path)
    before = (tmp_path / "graph.nt").read_bytes()
    with open(tmp_path / ".kg-build.lock", "w") as held:  # as another kg build holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildBusy, match="another kg build"):
            write_outputs(resolve(all_records(), texts=TEXTS), tmp_path)
    assert (tmp_path / "graph.nt").read_bytes() == before
    write_outputs(resolve(all_records(), texts=TEXTS), tmp_path)  # free again
    assert (tmp_path / "graph.nt").read_bytes() != before


def test_a_killed_build_leaves_staging_that_the_next_build_removes(tmp_path):
    write_outputs(resolve([record_a()], texts=TEXTS), tmp_path)
    left = tmp_path / ".kg-build-killed"
    left.mkdir()
    (left / "graph.nt").write_text("half")
    write_outputs(resolve([record_a()], texts=TEXTS), tmp_path)
    assert not left.exists()


def test_one_rdf_file_from_a_graph_in_memory(tmp_path):
    """kg.build.write_rdf_file: the build's serialisation without a build folder (bench_sparql times it)."""
    from kg.build import write_rdf_file

    graph = resolve(all_records(), texts=TEXTS)
    expected = set(union_graph(to_rdf(graph)))
    for fmt, rdflib_fmt in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        path = write_rdf_file(graph, tmp_path / f"g.{fmt}", fmt)
        assert set(rdflib.Graph().parse(path, format=rdflib_fmt)) == expected, fmt
