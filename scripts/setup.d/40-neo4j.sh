#!/usr/bin/env bash
# Test tooling for the Neo4j tests: Java 17 + Maven (Debian packages) and the embedded Neo4j 5.26
# launcher in tests/neo4j-server (compiled classes + its jars from Maven Central in target/).
# Idempotent: skips each step when already done; a rebuild happens only when pom.xml or the Java
# source is newer than the build stamp.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=tests/neo4j-server
stamp=$dir/target/.built

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup neo4j: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi

if [ -f "$stamp" ] && [ -z "$(find "$dir/pom.xml" "$dir/src" -newer "$stamp" -print -quit)" ] \
   && [ -d "$dir/target/dependency" ]; then
  echo "setup neo4j: launcher already built ($dir/target)"
  exit 0
fi
echo "setup neo4j: building the Neo4j test launcher ($dir)"
rm -rf "$dir/target/dependency"
(cd "$dir" && mvn -B -q -Dstyle.color=never compile dependency:copy-dependencies)
touch "$stamp"
