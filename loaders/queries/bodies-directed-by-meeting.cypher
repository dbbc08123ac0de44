// Which bodies did a meeting direct (会议要求X…, X要…)?
// Parameter: $meetingName — the meeting's Chinese name, or null for every meeting.
// Same answers as bodies-directed-by-meeting.rq.
MATCH (m:Meeting)-[:DIRECTED]->(body)
WHERE $meetingName IS NULL OR m.name = $meetingName
RETURN m.iri AS meeting, m.name AS meetingName, m.date AS date, body.iri AS body, body.name AS bodyName
ORDER BY date, meetingName, bodyName
