#!/usr/bin/env bash
# Apache Jena's command-line tools for the RDF/SPARQL tests: `riot --validate` (every built RDF file
# parses) and `rsparql` (a second, independent SPARQL client against `kg serve`). They come from the
# jena-fuseki-server 5.6.0 jar on Maven Central (it carries riotcmd.riot and arq.rsparql; Debian's
# libapache-jena-java 4.5 fails to start here), fetched by Maven into ~/.m2. Java 17 and Maven come
# from Debian when missing. Idempotent: skips fast when the jar is already there.
set -euo pipefail
VERSION=5.6.0
JAR="${HOME}/.m2/repository/org/apache/jena/jena-fuseki-server/${VERSION}/jena-fuseki-server-${VERSION}.jar"

if [ -s "$JAR" ] && command -v java >/dev/null 2>&1; then
  echo "30-jena: $JAR already present"
  exit 0
fi

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "30-jena: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  echo "30-jena: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

echo "30-jena: fetching org.apache.jena:jena-fuseki-server:${VERSION} from Maven Central"
mvn -q -B dependency:get -Dartifact="org.apache.jena:jena-fuseki-server:${VERSION}" -Dtransitive=false
[ -s "$JAR" ] || { echo "30-jena: $JAR missing after the download" >&2; exit 1; }
echo "30-jena: done"
