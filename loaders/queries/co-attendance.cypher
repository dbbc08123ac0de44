// Which officials took part in the most meetings together?
// "Took part" = attended, presided or addressed (a chair who only 主持 was there too).
// Each pair once (the official with the smaller IRI first), most shared meetings first.
// For one official's partners, see co-attendees.cypher. Same answers as co-attendance.rq.
MATCH (a:Official)-[:ATTENDED|PRESIDED|ADDRESSED]->(meeting)<-[:ATTENDED|PRESIDED|ADDRESSED]-(b:Official)
WHERE a.iri < b.iri
RETURN a.iri AS a, a.name AS aName, b.iri AS b, b.name AS bName, count(DISTINCT meeting) AS meetings
ORDER BY meetings DESC, aName, bName, a, b
