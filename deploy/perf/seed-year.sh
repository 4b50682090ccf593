#!/bin/sh
# Issue 11.4/11.6: migrates an EMPTY database and fills it with a year of jobwatch data
# (deploy/perf/seed-year.sql: 10M jobs, 50M events over 30 day partitions, ...), then prints the
# table sizes. Needs psql and a built jar (./mvnw -B -o package -DskipTests).
#
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGDATABASE=jobwatch_year deploy/perf/seed-year.sh
#   ... deploy/perf/seed-year.sh -v jobs=1000000 -v events=5000000      # a smaller year
#
# JOBWATCH_DB_URL / JOBWATCH_DB_USER default to the PG* variables. Extra arguments go to psql.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar=${JOBWATCH_JAR:-$here/../../consumer/target/jobwatch.jar}
export JOBWATCH_DB_URL="${JOBWATCH_DB_URL:-jdbc:postgresql://${PGHOST:-localhost}:${PGPORT:-5432}/${PGDATABASE:?set PGDATABASE}}"
export JOBWATCH_DB_USER="${JOBWATCH_DB_USER:-${PGUSER:-postgres}}"
java -jar "$jar" migrate
exec psql -X "$@" -f "$here/seed-year.sql"
