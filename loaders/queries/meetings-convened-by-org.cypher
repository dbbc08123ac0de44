// Which meetings did an organisation convene (X召开/举行)?
// Parameter: $orgName — the organisation's Chinese name as the graph labels it (relative names are
// qualified: 市委常委会 in a 云岚 report is 云岚市委常委会), or null for every organisation.
// Same answers as meetings-convened-by-org.rq.
MATCH (org:Organization)-[:CONVENED]->(meeting)
WHERE $orgName IS NULL OR org.name = $orgName
RETURN org.iri AS org, org.name AS orgName, meeting.date AS date, meeting.iri AS meeting,
       meeting.name AS meetingName
ORDER BY orgName, date, meetingName
