#!/usr/bin/env bash
# Checks the monitoring configuration: Prometheus config, alert rules and their unit
# tests, Alertmanager config, routing (by team and by blame), inhibition (against a
# throw-away local Alertmanager), the runbook for every alert, and the Grafana files.
#
# Needs promtool and amtool on PATH (Debian: apt-get install prometheus
# prometheus-alertmanager; the alertmanager binary is prometheus-alertmanager there,
# alertmanager upstream) and python3 (standard library only).
# Prints one line per check and ends with "N passed, M failed"; exits non-zero on failure.
set -uo pipefail

deploy=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$deploy")
prom="$deploy/prometheus"
am_config="$deploy/alertmanager/alertmanager.yml"
rules="$prom/rules/jobwatch.rules.yml"
runbook="$root/docs/alerts.md"
grafana="$deploy/grafana"

missing=()
for tool in promtool amtool python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
alertmanager_bin=$(command -v alertmanager || command -v prometheus-alertmanager || true)
[[ -n "$alertmanager_bin" ]] || missing+=("alertmanager (or prometheus-alertmanager)")
if ((${#missing[@]})); then
  echo "check-monitoring: missing on PATH: ${missing[*]}" >&2
  echo "check-monitoring: install them, e.g. apt-get install -y prometheus prometheus-alertmanager python3" >&2
  exit 2
fi
echo "using $(promtool --version 2>&1 | head -n1)"
echo "using $(amtool --version 2>&1 | head -n1)"

passed=0
failed=0
# check DESCRIPTION COMMAND...: runs COMMAND, counts it, shows its output on failure.
check() {
  local description=$1 output
  shift
  if output=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok    $description"
  else
    failed=$((failed + 1))
    echo "FAIL  $description"
    printf '%s\n' "$output" | sed 's/^/        /'
  fi
}

# route_is EXPECTED_RECEIVER LABEL=VALUE...: the routing tree sends these labels to exactly
# EXPECTED_RECEIVER (amtool prints the receivers, comma-separated).
route_is() {
  local expected=$1 actual
  shift
  actual=$(amtool config routes test --config.file="$am_config" "$@" 2>/dev/null) || true
  if [[ "$actual" == "$expected" ]]; then
    return 0
  fi
  echo "labels $* routed to '$actual', expected '$expected'"
  return 1
}

echo "== Prometheus"
check "promtool check config prometheus.yml" promtool check config "$prom/prometheus.yml"
check "promtool check rules rules/*.yml" promtool check rules "$prom"/rules/*.yml
check "promtool test rules tests/*.yml" bash -c 'cd "$1" && promtool test rules tests/*.yml' _ "$prom"

# Static lint of the rule and test files (line-based: the files follow one layout).
lint_rules() {
  python3 - "$rules" "$runbook" "$prom"/tests/*.yml <<'PY'
import re, sys
rules_path, runbook_path, tests = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(rules_path).read()
blocks = re.split(r"\n\s*- (?=alert:|record:)", text)
alerts = {}
for block in blocks:
    m = re.match(r"alert:\s*(\S+)", block)
    if m:
        alerts[m.group(1)] = block
errors = []
if not alerts:
    errors.append("no alerts found in " + rules_path)
runbook = open(runbook_path).read() if runbook_path else ""
headings = {h.strip().lower() for h in re.findall(r"^##+\s+(.+)$", runbook, re.M)}
# Alerts whose team comes from elsewhere: monitors copy it from the metric,
# crashes are routed by blame.
team_from_metric = {"JobwatchMonitorLate", "JobwatchMonitorDown", "JobwatchMonitorOverrun",
                    "JobwatchMonitorRunsTooOften"}
routed_by_blame = {"JobwatchJobCrashes"}
test_text = "\n".join(open(t).read() for t in tests)
for name, block in alerts.items():
    if not re.search(r"^\s+severity:\s*(page|ticket)\s*$", block, re.M):
        errors.append(f"{name}: label severity must be page or ticket")
    has_team = re.search(r"^\s+team:\s*\S", block, re.M)
    if not has_team and name not in team_from_metric | routed_by_blame:
        errors.append(f"{name}: no team label")
    if name in team_from_metric and "team" not in block:
        errors.append(f"{name}: the team label must come from the metric")
    for annotation in ("summary", "description"):
        if not re.search(rf"^\s+{annotation}:\s*\S", block, re.M):
            errors.append(f"{name}: annotation {annotation} missing")
    anchor = name.lower()
    url = re.search(r"runbook_url:\s*\"?(\S+?)\"?\s*$", block, re.M)
    if not url or not url.group(1).endswith("docs/alerts.md#" + anchor):
        errors.append(f"{name}: runbook_url must point at docs/alerts.md#{anchor}")
    if name.lower() not in headings:
        errors.append(f"{name}: docs/alerts.md has no section '## {name}'")
    cases = re.findall(rf"alertname:\s*{name}\s*\n\s*exp_alerts:\s*(\S*)", test_text)
    if "[]" not in cases:
        errors.append(f"{name}: no unit test case where it does not fire (exp_alerts: [])")
    if not any(c != "[]" for c in cases):
        errors.append(f"{name}: no unit test case where it fires")
for e in errors:
    print(e)
print(f"{len(alerts)} alerts linted")
sys.exit(1 if errors else 0)
PY
}
check "every alert: severity, team, summary, description, runbook section, firing and quiet test" lint_rules

echo "== Alertmanager"
check "amtool check-config alertmanager.yml" amtool check-config "$am_config"
for pair in platform:team-platform task:task-owners third_party:team-operations \
  unknown:platform-triage unclassified:platform-triage; do
  blame=${pair%%:*} receiver=${pair#*:}
  check "JobwatchJobCrashes blame=$blame -> $receiver" \
    route_is "$receiver" alertname=JobwatchJobCrashes service=blast blame="$blame" severity=ticket
done
for team in platform data publishers operations; do
  check "JobwatchMonitorDown team=$team -> team-$team" \
    route_is "team-$team" alertname=JobwatchMonitorDown monitor=nightly team="$team" status=down severity=page
  check "JobwatchMonitorLate (ticket) team=$team -> team-$team" \
    route_is "team-$team" alertname=JobwatchMonitorLate monitor=nightly team="$team" status=late severity=ticket
done
check "JobwatchMonitorDown team=finance (no route) -> platform-triage" \
  route_is platform-triage alertname=JobwatchMonitorDown monitor=ledger team=finance severity=page
check "JobwatchStageError -> team-platform" \
  route_is team-platform alertname=JobwatchStageError service=blast runner=slurm stage=start team=platform severity=page
check "JobwatchStageFatal -> team-publishers" \
  route_is team-publishers alertname=JobwatchStageFatal service=blast runner=slurm stage=submit team=publishers severity=page
check "JobwatchAbsent -> team-platform" \
  route_is team-platform alertname=JobwatchAbsent team=platform severity=page
for alert in JobwatchPipelineDown JobwatchBrokerUnreachable JobwatchStateStale JobwatchLagGrowing; do
  check "$alert -> team-platform" route_is team-platform alertname="$alert" team=platform severity=page
done
check "JobwatchLabelOverflow (ticket) -> team-platform" \
  route_is team-platform alertname=JobwatchLabelOverflow label=service team=platform severity=ticket

# Inhibition cannot be tested offline: run a private Alertmanager on a free local port,
# post alerts, and read back which ones are suppressed.
am_dir=$(mktemp -d)
am_pid=""
cleanup() {
  [[ -n "$am_pid" ]] && kill "$am_pid" 2>/dev/null && wait "$am_pid" 2>/dev/null
  rm -rf "$am_dir"
}
trap cleanup EXIT
am_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
am_url="http://127.0.0.1:$am_port"
"$alertmanager_bin" --config.file="$am_config" --storage.path="$am_dir" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$am_dir/log" 2>&1 &
am_pid=$!
for _ in $(seq 50); do
  am_ready=$(python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/-/ready", timeout=1); print("yes")' "$am_url" 2>/dev/null)
  [[ "$am_ready" == yes ]] && break
  sleep 0.2
done

post_alert() { amtool --alertmanager.url="$am_url" alert add "$@" >/dev/null 2>&1; }
# state_is EXPECTED LABEL=VALUE...: the one alert matching all labels has state EXPECTED.
state_is() {
  python3 - "$am_url" "$@" <<'PY'
import json, sys, urllib.request
url, expected, *pairs = sys.argv[1:]
want = dict(p.split("=", 1) for p in pairs)
with urllib.request.urlopen(url + "/api/v2/alerts?active=true&inhibited=true&silenced=true") as r:
    alerts = json.load(r)
found = [a for a in alerts if all(a["labels"].get(k) == v for k, v in want.items())]
if len(found) != 1:
    print(f"{len(found)} alerts match {want}")
    sys.exit(1)
state = found[0]["status"]["state"]
if state != expected:
    print(f"{want} is {state}, expected {expected}")
    sys.exit(1)
PY
}

check "throw-away Alertmanager ($alertmanager_bin) is ready" test "${am_ready:-}" = yes
post_alert alertname=JobwatchStageError service=blast runner=slurm stage=start team=platform severity=page
post_alert alertname=JobwatchServiceDown service=blast team=platform severity=page
post_alert alertname=JobwatchJobCrashes service=blast blame=platform severity=ticket
post_alert alertname=JobwatchJobCrashes service=blast blame=unknown severity=ticket
post_alert alertname=JobwatchJobCrashes service=blast blame=task severity=ticket
post_alert alertname=JobwatchJobCrashes service=blast blame=third_party severity=ticket
post_alert alertname=JobwatchJobCrashes service=align blame=platform severity=ticket
post_alert alertname=JobwatchServiceDown service=fetch team=platform severity=page
post_alert alertname=JobwatchAbsent team=platform severity=page
post_alert alertname=JobwatchConsumerNotReady instance=jobwatch-1:9464 team=platform severity=page
post_alert alertname=JobwatchMonitorDown monitor=nightly team=data status=down severity=page
sleep 1
check "stage error on blast inhibits JobwatchJobCrashes of blast blamed on the platform" \
  state_is suppressed alertname=JobwatchJobCrashes service=blast blame=platform
check "stage error on blast inhibits JobwatchJobCrashes of blast blamed on nobody (unknown)" \
  state_is suppressed alertname=JobwatchJobCrashes service=blast blame=unknown
check "stage error on blast does not inhibit JobwatchJobCrashes of blast blamed on the task" \
  state_is active alertname=JobwatchJobCrashes service=blast blame=task
check "stage error on blast does not inhibit JobwatchJobCrashes of blast blamed on a third party" \
  state_is active alertname=JobwatchJobCrashes service=blast blame=third_party
check "JobwatchJobCrashes of align (healthy service) stays active" \
  state_is active alertname=JobwatchJobCrashes service=align
check "stage error on blast inhibits the JobwatchServiceDown roll-up of blast" \
  state_is suppressed alertname=JobwatchServiceDown service=blast
check "JobwatchServiceDown of fetch (no stage alert) stays active" \
  state_is active alertname=JobwatchServiceDown service=fetch
check "JobwatchAbsent inhibits JobwatchConsumerNotReady" \
  state_is suppressed alertname=JobwatchConsumerNotReady
check "JobwatchAbsent does not inhibit monitor alerts" \
  state_is active alertname=JobwatchMonitorDown monitor=nightly

# Issue 10.4: a pipeline outage mutes every health, job and monitor alert (and the symptoms
# of the outage), but not the cause, nor alerts an outage cannot explain.
post_alert alertname=JobwatchStateStale instance=jobwatch-1:9464 team=platform severity=page
post_alert alertname=JobwatchLagGrowing topic=jobwatch.lifecycle team=platform severity=page
post_alert alertname=JobwatchMonitorLate monitor=hourly team=data status=late severity=ticket
post_alert alertname=JobwatchJobsStuckWaiting service=align team=platform severity=ticket
post_alert alertname=JobwatchDeadLettersIncreasing topic=jobwatch.errors team=platform severity=ticket
post_alert alertname=JobwatchLabelOverflow label=service team=platform severity=ticket
sleep 1
check "before the outage: JobwatchMonitorLate hourly is active" \
  state_is active alertname=JobwatchMonitorLate monitor=hourly
check "before the outage: JobwatchStateStale is active" \
  state_is active alertname=JobwatchStateStale
post_alert alertname=JobwatchPipelineDown team=platform severity=page
sleep 1
for target in "alertname=JobwatchServiceDown service=fetch" \
  "alertname=JobwatchMonitorDown monitor=nightly" \
  "alertname=JobwatchMonitorLate monitor=hourly" \
  "alertname=JobwatchJobCrashes service=align" \
  "alertname=JobwatchJobsStuckWaiting service=align" \
  "alertname=JobwatchStageError service=blast" \
  "alertname=JobwatchStateStale" \
  "alertname=JobwatchLagGrowing"; do
  # shellcheck disable=SC2086
  check "JobwatchPipelineDown inhibits $target" state_is suppressed $target
done
check "JobwatchPipelineDown does not inhibit JobwatchDeadLettersIncreasing" \
  state_is active alertname=JobwatchDeadLettersIncreasing
check "JobwatchPipelineDown does not inhibit JobwatchLabelOverflow" \
  state_is active alertname=JobwatchLabelOverflow
check "JobwatchPipelineDown itself is active (nothing names a cause yet)" \
  state_is active alertname=JobwatchPipelineDown
post_alert alertname=JobwatchBrokerUnreachable team=platform severity=page
sleep 1
check "JobwatchBrokerUnreachable (the cause) inhibits JobwatchPipelineDown" \
  state_is suppressed alertname=JobwatchPipelineDown
check "JobwatchBrokerUnreachable stays active" \
  state_is active alertname=JobwatchBrokerUnreachable
post_alert alertname=JobwatchPipelineDown team=platform severity=page \
  --end="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
sleep 1
check "JobwatchPipelineDown resolved: JobwatchBrokerUnreachable alone inhibits JobwatchMonitorDown" \
  state_is suppressed alertname=JobwatchMonitorDown monitor=nightly

echo "== Grafana"
dashboard="$grafana/dashboards/jobwatch.json"
check "dashboard JSON parses (python3 -m json.tool)" python3 -m json.tool "$dashboard"
lint_dashboard() {
  python3 - "$dashboard" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
errors = []
for key in ("uid", "title", "panels", "schemaVersion"):
    if key not in d:
        errors.append(f"dashboard has no {key}")
exprs = []
for p in d.get("panels", []):
    if p.get("type") == "row":
        continue
    ds = p.get("datasource", {})
    if ds.get("uid") != "prometheus":
        errors.append(f"panel {p.get('title')!r}: datasource uid must be 'prometheus'")
    if not p.get("targets"):
        errors.append(f"panel {p.get('title')!r}: no targets")
    exprs += [t.get("expr", "") for t in p.get("targets", [])]
wanted = ["jobwatch_service_health", "jobwatch_stage_health", "jobwatch_job_crashes_total",
          "jobwatch_jobs", "jobwatch_monitor_status", "jobwatch_monitor_last_success_timestamp_seconds",
          "jobwatch_monitor_deadline_timestamp_seconds", "jobwatch_consumer_lag",
          "jobwatch_events_total", "jobwatch_dead_letters"]
joined = "\n".join(exprs)
for metric in wanted:
    if metric not in joined:
        errors.append(f"no panel queries {metric}")
types = {p.get("type") for p in d.get("panels", [])}
if "state-timeline" not in types:
    errors.append("no state-timeline panel for stage health")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}
check "dashboard panels use the provisioned datasource and cover every family" lint_dashboard
# The ages the dashboard computes from jobwatch_clock_seconds must not drop an instance that does
# not serve it (a version before it, the old half of a rolling upgrade), as the rules'
# jobwatch:*_age_seconds do not: each such query, evaluated by promtool over an old instance
# alone (a timestamp 5 minutes old at 5m), must give that instance's age.
# Runs promtool on the unit-test file that the Python program on stdin writes from the dashboard
# (argv[1]) to argv[2]; a program that writes none has nothing to test.
promtool_test_from_dashboard() {
  local dir rc=0
  dir=$(mktemp -d) || return 1
  if python3 - "$dashboard" "$dir/generated.test.yml"; then
    if [[ -f "$dir/generated.test.yml" ]]; then
      (cd "$dir" && promtool test rules generated.test.yml) || rc=$?
    fi
  else
    rc=1
  fi
  rm -rf "$dir"
  return $rc
}
dashboard_ages_fall_back() {
  promtool_test_from_dashboard <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
exprs = [t.get("expr", "") for p in d.get("panels", []) for t in p.get("targets", [])]
exprs = [e for e in exprs if "jobwatch_clock_seconds" in e]
if not exprs:
    sys.exit(0)
labels = 'job="jobwatch",instance="old:9464"'
out = ["tests:"]
for e in exprs:
    names = sorted(set(re.findall(r"jobwatch_[a-z_]+_timestamp_seconds", e)))
    out += ["  - interval: 1m", "    input_series:"]
    for n in names:
        out += [f"      - series: '{n}{{{labels}}}'", "        values: '0x10'"]
    out += ["    promql_expr_test:", "      - expr: " + json.dumps(e), "        eval_time: 5m",
            "        exp_samples:", f"          - labels: '{{{labels}}}'", "            value: 300"]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
}
check "dashboard ages keep instances without jobwatch_clock_seconds (rolling upgrade)" dashboard_ages_fall_back
# The crash panel's queries ($service as .*) as Python's exprs: the start of both generators below.
crash_panel_exprs='import json, sys
d = json.load(open(sys.argv[1]))
exprs = [t.get("expr", "") for p in d.get("panels", []) for t in p.get("targets", [])]
exprs = [e.replace("$service", ".*") for e in exprs if "jobwatch_job_crashes_total" in e]
if not exprs:
    sys.exit("no panel reads jobwatch_job_crashes_total")'
# The crash panel counts as JobwatchJobCrashes does (tests/jobs.test.yml): crashes a restarted
# jobwatch drained before Prometheus's first scrape after an outage (5 before the gap, 9 after it)
# show as 4 in the 15 minutes after, where a delta() within them would show none.
dashboard_crashes_after_outage() {
  { echo "$crash_panel_exprs"; cat; } <<'PY' | promtool_test_from_dashboard
series = 'jobwatch_job_crashes_total{job="jobwatch",instance="a:9464",service="blast",blame="platform"}'
out = ["tests:", "  - interval: 1m", "    input_series:",
       f"      - series: '{series}'", "        values: '5x9 _x60 9x20'", "    promql_expr_test:"]
for e in exprs:
    out += ["      - expr: " + json.dumps(e), "        eval_time: 75m", "        exp_samples:",
            "          - labels: '{blame=\"platform\"}'", "            value: 4"]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
}
check "dashboard crash panel counts crashes drained before the first scrape after an outage" \
  dashboard_crashes_after_outage
# ... and, as JobwatchJobCrashes does, a new service whose first job crashed before the next refresh
# (a series born at 1 at 60m) while jobwatch had been exporting for an hour shows as 1, and a
# fresh Prometheus over an old database (a series born at 5 at 0m) shows none at 15m and after.
dashboard_crashes_of_new_service() {
  { echo "$crash_panel_exprs"; cat; } <<'PY' | promtool_test_from_dashboard
target = 'job="jobwatch",instance="a:9464"'
out = ["tests:", "  - interval: 1m", "    input_series:",
       f"      - series: 'jobwatch_exporter_active{{{target}}}'", "        values: '1x80'",
       f"      - series: 'jobwatch_job_crashes_total{{{target},service=\"old\",blame=\"platform\"}}'",
       "        values: '5x80'",
       f"      - series: 'jobwatch_job_crashes_total{{{target},service=\"new\",blame=\"platform\"}}'",
       "        values: '_x60 1x20'", "    promql_expr_test:"]
for e in exprs:
    for at, value in (("15m", 0), ("16m", 0), ("65m", 1)):
        out += ["      - expr: " + json.dumps(e), f"        eval_time: {at}", "        exp_samples:",
                "          - labels: '{blame=\"platform\"}'", f"            value: {value}"]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
}
check "dashboard crash panel counts a new service's first crashes, not a fresh Prometheus's old ones" \
  dashboard_crashes_of_new_service
check "datasource provisioning points at http://prometheus:9090 with uid prometheus" \
  bash -c 'grep -q "url: http://prometheus:9090" "$1"/*.yml && grep -q "uid: prometheus" "$1"/*.yml' _ \
  "$grafana/provisioning/datasources"
check "dashboard provisioning points at /var/lib/grafana/dashboards" \
  grep -q "path: /var/lib/grafana/dashboards" "$grafana"/provisioning/dashboards/*.yml

echo "$passed passed, $failed failed"
((failed == 0))
