// Which policies did an official emphasise, and when?
// One row per (official, policy, article): the article it is stated in gives the date; statements
// in undated articles are left out, as in policies-emphasised-by-official.rq.
// Parameter: $name — the official's Chinese name, or null for every official.
MATCH (o:Official)-[r:EMPHASISED]->(policy)
WHERE $name IS NULL OR o.name = $name
UNWIND r.articles AS articleIri
WITH DISTINCT o, policy, articleIri
MATCH (a:Article {iri: articleIri})
WHERE a.date IS NOT NULL
RETURN o.iri AS official, o.name AS name, o.context AS jurisdiction, a.date AS date,
       policy.iri AS policy, policy.name AS policyName, a.iri AS article
ORDER BY name, official, date, policyName
