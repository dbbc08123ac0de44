// Where does each fact about an official come from? Every statement of a relation with the
// article (title, date, URL) and the evidence sentence with its offsets into the article text.
// The provenance of a relationship is held in parallel arrays (articles, starts, ends, sentences,
// dates): element i of each is one statement. `relation` is the relationship type in lower case
// (the local name of the zw: property in evidence-for-official.rq); `issued` is the article's
// published value as the page gave it.
// Parameter: $name — the official's Chinese name, or null for every official.
MATCH (o:Official)-[r:ATTENDED|PRESIDED|ADDRESSED|CONVENED|EMPHASISED|DIRECTED]->(target)
WHERE $name IS NULL OR o.name = $name
UNWIND range(0, size(r.articles) - 1) AS i
MATCH (a:Article {iri: r.articles[i]})
WITH o, r, target, a, i, r.sentences[i] AS sentence
RETURN DISTINCT o.name AS name, toLower(type(r)) AS relation, target.name AS targetName,
       a.title AS articleTitle, a.published AS issued, a.url AS url, r.starts[i] AS start,
       r.ends[i] AS end, CASE WHEN sentence = '' THEN null ELSE sentence END AS sentence
ORDER BY name, issued, start, relation
