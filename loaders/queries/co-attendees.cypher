// With whom did an official take part in meetings, and how often?
// "Took part" = attended, presided or addressed. Most shared meetings first.
// Parameter: $name — the official's Chinese name, or null for every official
// (Neo4j Browser: `:param name => '韩立新'`); officials of that name in different places are told
// apart by `official` and `jurisdiction`. Same answers as co-attendees.rq.
MATCH (o:Official)-[:ATTENDED|PRESIDED|ADDRESSED]->(meeting)<-[:ATTENDED|PRESIDED|ADDRESSED]-(p:Official)
WHERE o <> p AND ($name IS NULL OR o.name = $name)
RETURN o.iri AS official, o.name AS name, o.context AS jurisdiction,
       p.iri AS partner, p.name AS partnerName, count(DISTINCT meeting) AS meetings
ORDER BY name, official, meetings DESC, partnerName
