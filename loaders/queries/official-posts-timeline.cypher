// An official's posts over time: one Post per title per article, dated by the article
// (Neo4j model: (:Official)-[:HOLDS_POST]->(:Post)-[:POST_IN]->(:Organization)).
// Officials of the same name in different places are different `official`s.
// Parameter: $name — the official's Chinese name, or null for every official.
// Same answers as official-posts-timeline.rq.
MATCH (o:Official)-[:HOLDS_POST]->(post:Post)
WHERE $name IS NULL OR o.name = $name
OPTIONAL MATCH (post)-[:POST_IN]->(org)
RETURN o.iri AS official, o.name AS name, o.context AS jurisdiction, post.date AS date,
       post.title AS title, org.name AS orgName, post.article AS article
ORDER BY name, official, date, title
