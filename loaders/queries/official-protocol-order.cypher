// Protocol order (排名) over time: an official's place among each meeting's attendees, as each
// article lists them (1 = first), in date order — who moved up. One row per attendance statement
// (the `orders` array of ATTENDED is parallel to its `articles`; 0 where a statement has none).
// Parameter: $name — the official's Chinese name, or null for every official.
// Same answers as official-protocol-order.rq.
MATCH (o:Official)-[r:ATTENDED]->(m:Meeting)
WHERE ($name IS NULL OR o.name = $name) AND r.orders IS NOT NULL
UNWIND range(0, size(r.articles) - 1) AS i
WITH o, m, r, i
WHERE r.orders[i] > 0
RETURN o.iri AS official, o.name AS name, m.name AS meetingName,
       CASE WHEN r.dates[i] = '' THEN null ELSE r.dates[i] END AS date, r.orders[i] AS protocolOrder
ORDER BY name, official, date, meetingName, protocolOrder
