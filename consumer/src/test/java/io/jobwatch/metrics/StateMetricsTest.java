package io.jobwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Severity;
import io.jobwatch.core.monitor.MonitorEvaluation;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.monitor.MonitorStatus;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.store.StateQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StateMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private StateMetrics bound(int cap) {
    StateMetrics metrics =
        new StateMetrics(new LabelLimiter(cap, Duration.ofHours(24), registry, clock));
    metrics.bindTo(registry);
    return metrics;
  }

  private static StageHealth stage(String service, String stage, Severity severity) {
    return new StageHealth(
        new StageKey(service, "slurm", stage),
        severity,
        T0,
        null,
        null,
        null,
        null,
        null,
        0,
        0,
        0,
        List.of());
  }

  private static DatabaseState.Monitor monitor(String name, MonitorStatus status) {
    return monitorSeen(name, status, T0);
  }

  /** A monitor declared at {@code at} and last seen a minute before it. */
  private static DatabaseState.Monitor monitorSeen(String name, MonitorStatus status, Instant at) {
    MonitorState state =
        new MonitorState(
            name,
            "data",
            null,
            null,
            null,
            at,
            false,
            null,
            status == MonitorStatus.RETIRED,
            null,
            null,
            at.minusSeconds(60),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return new DatabaseState.Monitor(
        state, new MonitorEvaluation(status, T0, T0.plusSeconds(600), null));
  }

  /** A stage record whose every time (since, last error, last success) is {@code at}. */
  private static StageHealth stageAt(String service, Severity severity, Instant at) {
    return new StageHealth(
        new StageKey(service, "slurm", "submit"),
        severity,
        at,
        null,
        null,
        at,
        null,
        at,
        0,
        0,
        0,
        List.of());
  }

  private static DatabaseState state(List<StageHealth> stages, List<DatabaseState.Monitor> mons) {
    return new DatabaseState(
        stages,
        List.of(new StateQueries.ActiveCount("blast", "running", 4, T0)),
        List.of(),
        List.of(new StateQueries.Count("blast", "", 2)),
        List.of(new StateQueries.Count("jobwatch.lifecycle", "", 3)),
        List.of(new StateQueries.Count("blast", "platform", 5)),
        mons,
        T0);
  }

  private double gauge(String name, String... tags) {
    Gauge gauge = registry.find(name).tags(tags).gauge();
    assertThat(gauge).as("%s %s", name, List.of(tags)).isNotNull();
    return gauge.value();
  }

  @Test
  @DisplayName("An export serves every family with the values of the database state")
  void exportServesEveryFamily() {
    StateMetrics metrics = bound(10);
    metrics.export(
        state(
            List.of(stage("blast", "submit", Severity.ERROR), stage("blast", "start", Severity.OK)),
            List.of(monitor("nightly", MonitorStatus.DOWN))),
        T0);
    assertThat(gauge("jobwatch.stage.health", "service", "blast", "stage", "submit")).isEqualTo(2);
    assertThat(gauge("jobwatch.stage.health", "service", "blast", "stage", "start")).isZero();
    assertThat(gauge("jobwatch.runner.health", "service", "blast", "runner", "slurm")).isEqualTo(2);
    assertThat(gauge("jobwatch.service.health", "service", "blast")).isEqualTo(2);
    assertThat(gauge("jobwatch.jobs", "service", "blast", "state", "running")).isEqualTo(4);
    assertThat(gauge("jobwatch.jobs.stuck.waiting", "service", "blast")).isEqualTo(2);
    assertThat(gauge("jobwatch.dead.letters", "topic", "jobwatch.lifecycle")).isEqualTo(3);
    assertThat(
            registry
                .find("jobwatch.job.crashes")
                .tags("service", "blast", "blame", "platform")
                .functionCounter()
                .count())
        .isEqualTo(5);
    assertThat(gauge("jobwatch.monitor.status", "monitor", "nightly", "status", "down"))
        .isEqualTo(1);
    assertThat(gauge("jobwatch.monitor.status", "monitor", "nightly", "status", "up")).isZero();
    assertThat(gauge("jobwatch.monitor.deadline.timestamp", "monitor", "nightly"))
        .isEqualTo(T0.plusSeconds(600).getEpochSecond());
    assertThat(gauge("jobwatch.exporter.active")).isEqualTo(1);
    assertThat(gauge("jobwatch.state.refresh.timestamp")).isEqualTo(T0.getEpochSecond());
  }

  @Test
  @DisplayName("A failed refresh keeps every value and the refresh timestamp, and counts one error")
  void failedRefreshKeepsTheLastValues() {
    StateMetrics metrics = bound(10);
    metrics.export(state(List.of(stage("blast", "submit", Severity.FATAL)), List.of()), T0);
    metrics.refreshFailed();
    metrics.refreshFailed();
    assertThat(gauge("jobwatch.service.health", "service", "blast")).isEqualTo(3);
    assertThat(gauge("jobwatch.jobs", "service", "blast", "state", "running")).isEqualTo(4);
    assertThat(gauge("jobwatch.exporter.active")).isEqualTo(1);
    assertThat(gauge("jobwatch.state.refresh.timestamp")).isEqualTo(T0.getEpochSecond());
    assertThat(registry.find("jobwatch.state.refresh.errors").counter().count()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "A series that stays keeps its meter across refreshes and only its value changes, so a"
          + " scrape during a refresh never misses it")
  void seriesThatStaysKeepsItsMeter() {
    StateMetrics metrics = bound(10);
    metrics.export(state(List.of(stage("blast", "submit", Severity.WARNING)), List.of()), T0);
    Gauge first = registry.find("jobwatch.service.health").tag("service", "blast").gauge();
    assertThat(first.value()).isEqualTo(1);
    metrics.export(
        state(List.of(stage("blast", "submit", Severity.FATAL)), List.of()), T0.plusSeconds(5));
    Gauge second = registry.find("jobwatch.service.health").tag("service", "blast").gauge();
    assertThat(second).isSameAs(first);
    assertThat(second.value()).isEqualTo(3);
  }

  @Test
  @DisplayName("Withdrawing (another instance exports) removes every database-derived series")
  void withdrawRemovesEverySeries() {
    StateMetrics metrics = bound(10);
    metrics.export(
        state(
            List.of(stage("blast", "submit", Severity.ERROR)),
            List.of(monitor("nightly", MonitorStatus.UP))),
        T0);
    metrics.withdraw(T0.plusSeconds(5));
    for (String family :
        List.of(
            "jobwatch.stage.health",
            "jobwatch.service.health",
            "jobwatch.jobs",
            "jobwatch.job.crashes",
            "jobwatch.monitor.status",
            "jobwatch.dead.letters")) {
      assertThat(registry.find(family).meters()).as(family).isEmpty();
    }
    assertThat(gauge("jobwatch.exporter.active")).isZero();
    assertThat(gauge("jobwatch.state.refresh.timestamp")).isEqualTo(T0.getEpochSecond() + 5);
  }

  @Test
  @DisplayName(
      "The judgement instant is served by the exporter only: absent on an instance that never"
          + " exported and once another instance exports, like the other database-derived series")
  void watermarkOnTheExporterOnly() {
    StateMetrics metrics = bound(10);
    assertThat(registry.find("jobwatch.watermark.timestamp").meters())
        .as("before any export")
        .isEmpty();
    metrics.export(state(List.of(), List.of(monitor("nightly", MonitorStatus.UP))), T0);
    assertThat(gauge("jobwatch.watermark.timestamp")).isEqualTo(T0.getEpochSecond());
    metrics.withdraw(T0.plusSeconds(5));
    assertThat(registry.find("jobwatch.watermark.timestamp").meters())
        .as("after another instance took the lease")
        .isEmpty();
  }

  @Test
  @DisplayName("A retired monitor leaves the metrics and its label place at once")
  void retiredMonitorLeavesAtOnce() {
    StateMetrics metrics = bound(1);
    metrics.export(state(List.of(), List.of(monitor("nightly", MonitorStatus.UP))), T0);
    metrics.export(
        state(
            List.of(),
            List.of(
                monitor("nightly", MonitorStatus.RETIRED), monitor("hourly", MonitorStatus.UP))),
        T0);
    assertThat(registry.find("jobwatch.monitor.status").tag("monitor", "nightly").meters())
        .isEmpty();
    assertThat(gauge("jobwatch.monitor.status", "monitor", "hourly", "status", "up")).isEqualTo(1);
  }

  @Test
  @DisplayName("Prometheus names: the refresh timestamp, refresh errors and exporter flag")
  void prometheusNames() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StateMetrics metrics =
        new StateMetrics(new LabelLimiter(10, Duration.ofHours(24), prometheus, clock));
    metrics.bindTo(prometheus);
    metrics.export(state(List.of(stage("blast", "submit", Severity.ERROR)), List.of()), T0);
    metrics.refreshFailed();
    String text = prometheus.scrape();
    assertThat(text)
        .contains("jobwatch_state_refresh_timestamp_seconds " + (double) T0.getEpochSecond())
        .contains("jobwatch_state_refresh_errors_total 1.0")
        .contains("jobwatch_exporter_active 1.0")
        .contains("jobwatch_stage_health{runner=\"slurm\",service=\"blast\",stage=\"submit\"} 2.0")
        .contains("jobwatch_job_crashes_total{blame=\"platform\",service=\"blast\"} 5.0");
  }

  @Test
  @DisplayName(
      "While a backlog drains (judged before the refresh), a stage whose errors began after the"
          + " judgement instant is exported ok in every health family, one in error since before"
          + " it is exported error; caught up, both are exported as stored")
  void stagesAreJudgedAsOfTheJudgementInstantWhileABacklogDrains() {
    StateMetrics metrics = bound(10);
    StageHealth late = failing("late", T0.minusSeconds(60));
    StageHealth early = failing("early", T0.minusSeconds(600));
    Instant judgedAt = T0.minusSeconds(300);

    metrics.export(stateJudgedAt(List.of(late, early), judgedAt), T0);
    assertThat(gauge("jobwatch.stage.health", "service", "late", "stage", "start")).isZero();
    assertThat(gauge("jobwatch.runner.health", "service", "late", "runner", "slurm")).isZero();
    assertThat(gauge("jobwatch.service.health", "service", "late")).isZero();
    assertThat(gauge("jobwatch.stage.health", "service", "early", "stage", "start")).isEqualTo(2);
    assertThat(gauge("jobwatch.service.health", "service", "early")).isEqualTo(2);

    metrics.export(stateJudgedAt(List.of(late, early), T0), T0);
    assertThat(gauge("jobwatch.stage.health", "service", "late", "stage", "start")).isEqualTo(2);
    assertThat(gauge("jobwatch.service.health", "service", "late")).isEqualTo(2);
  }

  /** Three operating-system errors of the start stage, a second apart from {@code from}. */
  private static StageHealth failing(String service, Instant from) {
    StageKey key = new StageKey(service, "slurm", "start");
    List<StageObservation> errors =
        List.of(0, 1, 2).stream()
            .map(
                i ->
                    StageObservation.error(
                        service + i, from.plusSeconds(i), key, "OSError", "down", null, null))
            .toList();
    return StageFold.apply(null, key, errors, StagePolicy.defaults());
  }

  private static DatabaseState stateJudgedAt(List<StageHealth> stages, Instant judgedAt) {
    return new DatabaseState(
        stages, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), judgedAt);
  }

  @Test
  @DisplayName("A stage refused by the label cap still counts in its runner's and service's health")
  void refusedStageStillCountsInTheServiceHealth() {
    StateMetrics metrics = bound(1);
    // One value per label: blast and slurm fit, only the first stage does (both page, so the
    // database's order decides which).
    metrics.export(
        state(
            List.of(
                stage("blast", "start", Severity.ERROR),
                stage("blast", "check_status", Severity.FATAL)),
            List.of()),
        T0);
    assertThat(gauge("jobwatch.stage.health", "service", "blast", "stage", "start")).isEqualTo(2);
    assertThat(registry.find("jobwatch.stage.health").tags("stage", "check_status").gauge())
        .isNull();
    assertThat(gauge("jobwatch.runner.health", "service", "blast", "runner", "slurm")).isEqualTo(3);
    assertThat(gauge("jobwatch.service.health", "service", "blast")).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "An exporter that starts with the service label full (a handover, a restart) gives the"
          + " places to the stages that page first, whatever their services' names")
  void newExporterAdmitsPagingStagesFirst() {
    StateMetrics metrics = bound(1);
    // The database lists stages by service: "alpha" (ok) comes before "blast" (error).
    metrics.export(
        state(
            List.of(stage("alpha", "start", Severity.OK), stage("blast", "submit", Severity.ERROR)),
            List.of()),
        T0);

    assertThat(gauge("jobwatch.stage.health", "service", "blast", "stage", "submit")).isEqualTo(2);
    assertThat(gauge("jobwatch.service.health", "service", "blast")).isEqualTo(2);
    assertThat(registry.find("jobwatch.service.health").tags("service", "alpha").gauge()).isNull();
  }

  @Test
  @DisplayName("Every blame of a service with jobs is exported at 0 before its first crash")
  void crashTotalsStartAtZeroForEveryServiceWithJobs() {
    StateMetrics metrics = bound(10);
    metrics.export(state(List.of(), List.of()), T0);
    for (String blame : List.of("platform", "task", "third_party", "unknown")) {
      double expected = blame.equals("platform") ? 5 : 0;
      assertThat(
              registry
                  .find("jobwatch.job.crashes")
                  .tags("service", "blast", "blame", blame)
                  .functionCounter()
                  .count())
          .as(blame)
          .isEqualTo(expected);
    }
  }

  @Test
  @DisplayName(
      "Every state of a known service is exported, 0 when it has no job in it, also once its last"
          + " running job ended (its group in job_counts reads 0)")
  void everyStateOfAKnownServiceIsExportedAtZeroWhenEmpty() {
    StateMetrics metrics = bound(10);
    metrics.export(state(List.of(), List.of()), T0);
    List<String> states =
        List.of(
            "submitted",
            "queued",
            "waiting",
            "running",
            "succeeded",
            "failed",
            "crashed",
            "cancelled");
    for (String state : states) {
      assertThat(gauge("jobwatch.jobs", "service", "blast", "state", state))
          .as(state)
          .isEqualTo(state.equals("running") ? 4 : 0);
    }

    metrics.export(
        new DatabaseState(
            List.of(),
            List.of(
                new StateQueries.ActiveCount("blast", "running", 0, T0.plusSeconds(5)),
                new StateQueries.ActiveCount("blast", "succeeded", 4, T0.plusSeconds(5))),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            T0.plusSeconds(5)),
        T0.plusSeconds(5));
    assertThat(registry.find("jobwatch.jobs").tag("service", "blast").gauges())
        .hasSize(states.size());
    assertThat(gauge("jobwatch.jobs", "service", "blast", "state", "running")).isZero();
    assertThat(gauge("jobwatch.jobs", "service", "blast", "state", "succeeded")).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "A failing stage quiet for longer than the label TTL keeps its place when the label is full;"
          + " a quiet healthy one makes room")
  void failingStageIsNeverTheQuietValueThatMakesRoom() {
    StateMetrics metrics = bound(2);
    metrics.export(
        state(
            List.of(stageAt("blast", Severity.ERROR, T0), stageAt("idle", Severity.OK, T0)),
            List.of()),
        T0);
    clock.advance(Duration.ofHours(25));
    Instant now = T0.plus(Duration.ofHours(25));
    // Both records last changed at T0, over the 24-hour TTL ago; nothing happened since.
    List<StageHealth> quiet =
        List.of(stageAt("blast", Severity.ERROR, T0), stageAt("idle", Severity.OK, T0));
    // Caught up: judged at the time of the refresh (a judgement instant 25 hours behind would be
    // a backlog, which judges the fresh warnings as not yet reached).
    metrics.export(stateJudgedAt(quiet, now), now);
    metrics.export(
        stateJudgedAt(
            List.of(
                stageAt("fresh", Severity.WARNING, now),
                stageAt("newer", Severity.WARNING, now),
                quiet.get(0),
                quiet.get(1)),
            now),
        now);

    assertThat(gauge("jobwatch.service.health", "service", "blast")).isEqualTo(2);
    assertThat(gauge("jobwatch.stage.health", "service", "blast", "stage", "submit")).isEqualTo(2);
    assertThat(gauge("jobwatch.service.health", "service", "fresh")).isEqualTo(1);
    assertThat(registry.find("jobwatch.service.health").tags("service", "idle").gauge()).isNull();
    assertThat(registry.find("jobwatch.service.health").tags("service", "newer").gauge()).isNull();
  }

  @Test
  @DisplayName(
      "A down monitor whose script stopped running long ago keeps its place when the label is"
          + " full, and its down alert its series")
  void downMonitorIsNeverTheQuietValueThatMakesRoom() {
    StateMetrics metrics = bound(1);
    metrics.export(state(List.of(), List.of(monitorSeen("nightly", MonitorStatus.DOWN, T0))), T0);
    clock.advance(Duration.ofHours(25));
    Instant now = T0.plus(Duration.ofHours(25));
    metrics.export(state(List.of(), List.of(monitorSeen("nightly", MonitorStatus.DOWN, T0))), now);
    exportHourlyUpAndNightlyDownOnlyNightlyFits(metrics, now);
  }

  @Test
  @DisplayName(
      "An exporter that starts with the monitor label full (a handover, a restart) gives the"
          + " places to the monitors that alert first, whatever their names")
  void newExporterAdmitsAlertingMonitorsFirst() {
    StateMetrics metrics = bound(1);
    Instant now = T0.plus(Duration.ofHours(1));
    clock.advance(Duration.ofHours(1));
    // The database lists monitors by name: "hourly" (up, ran a minute ago) comes first.
    exportHourlyUpAndNightlyDownOnlyNightlyFits(metrics, now);
  }

  /**
   * Exports "hourly" (up, ran just now, listed first as the database lists by name) and "nightly"
   * (down since T0) with room for one, and asserts that the down one holds the place.
   */
  private void exportHourlyUpAndNightlyDownOnlyNightlyFits(StateMetrics metrics, Instant now) {
    metrics.export(
        state(
            List.of(),
            List.of(
                monitorSeen("hourly", MonitorStatus.UP, now),
                monitorSeen("nightly", MonitorStatus.DOWN, T0))),
        now);

    assertThat(gauge("jobwatch.monitor.status", "monitor", "nightly", "status", "down"))
        .isEqualTo(1);
    assertThat(registry.find("jobwatch.monitor.status").tags("monitor", "hourly").gauge()).isNull();
  }
}
