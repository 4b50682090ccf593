package io.jobwatch.metrics;

import io.jobwatch.core.Severity;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageJudgement;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StagePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Stage, runner and service health (0 ok, 1 warning, 2 error, 3 fatal), the series the stage and
 * service alerts read: each stage as of the judgement instant while a backlog drains ({@link
 * StageJudgement}), as stored otherwise. Updated from the refresh thread; scrapes read concurrently
 * (MultiGauge is thread-safe).
 */
public final class HealthMetrics implements MeterBinder {
  private final LabelLimiter labels;
  private final StagePolicy policy;
  private GaugeFamily stageHealth;
  private GaugeFamily runnerHealth;
  private GaugeFamily serviceHealth;

  public HealthMetrics(LabelLimiter labels, StagePolicy policy) {
    this.labels = labels;
    this.policy = policy;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    stageHealth =
        GaugeFamily.register(
            registry,
            "jobwatch.stage.health",
            "Stage health: 0 ok, 1 warning, 2 error, 3 fatal",
            null);
    runnerHealth =
        GaugeFamily.register(
            registry, "jobwatch.runner.health", "Runner health: the worst of its stages", null);
    serviceHealth =
        GaugeFamily.register(
            registry, "jobwatch.service.health", "Service health: the worst of its stages", null);
  }

  /**
   * Replaces every health series by those of {@code stages}, judged as of {@code judgedAt} (null:
   * every partition is caught up, the stored severities).
   */
  public void export(List<StageHealth> stages, Instant judgedAt) {
    Map<Tags, Integer> stageRows = new HashMap<>();
    Map<List<String>, Severity> runners = new HashMap<>();
    Map<String, Severity> services = new HashMap<>();
    // An exporter that starts (a handover, a restart) fills the labels from nothing: the stages
    // that page take their places first, so a full label never drops a page because its service's
    // name sorts after those of quiet ones (the sort is stable: otherwise the database's order).
    List<StageHealth> failingFirst = new ArrayList<>(stages);
    failingFirst.sort(Comparator.comparing(stage -> !pages(stage)));
    for (StageHealth stage : failingFirst) {
      StageKey key = stage.key();
      Severity severity = StageJudgement.severityAt(stage, judgedAt, policy);
      // A stage at error or fatal pages (JobwatchStageError/Fatal, JobwatchServiceDown), or will
      // once the judgement instant reaches it: never quiet while it does. A warning pages nobody
      // and ages like an ok stage.
      Instant activity = pages(stage) ? labels.alertingNow() : activity(stage);
      // Each family needs only its own labels admitted: a stage whose stage (or runner) value is
      // refused still counts in its service's (and runner's) worst, so a cap on a label a
      // publisher floods never hides a failing stage from the service's health.
      if (!labels.admit("service", key.service(), activity)) {
        continue;
      }
      services.merge(key.service(), severity, Severity::worst);
      if (!labels.admit("runner", key.runner(), activity)) {
        continue;
      }
      runners.merge(List.of(key.service(), key.runner()), severity, Severity::worst);
      if (labels.admit("stage", key.stage(), activity)) {
        stageRows.put(
            Tags.of("service", key.service(), "runner", key.runner(), "stage", key.stage()),
            severity.level());
      }
    }
    stageHealth.replace(stageRows);
    Map<Tags, Integer> runnerRows = new HashMap<>();
    runners.forEach(
        (key, severity) ->
            runnerRows.put(Tags.of("service", key.get(0), "runner", key.get(1)), severity.level()));
    runnerHealth.replace(runnerRows);
    Map<Tags, Integer> serviceRows = new HashMap<>();
    services.forEach(
        (service, severity) -> serviceRows.put(Tags.of("service", service), severity.level()));
    serviceHealth.replace(serviceRows);
  }

  private static boolean pages(StageHealth stage) {
    return stage.severity().level() >= Severity.ERROR.level();
  }

  /** The latest time the record shows the stage doing anything. */
  static Instant activity(StageHealth stage) {
    return Stream.of(stage.since(), stage.lastErrorAt(), stage.lastOkAt())
        .filter(java.util.Objects::nonNull)
        .max(Instant::compareTo)
        .orElse(null);
  }

  /** Removes every health series (another instance exports them). */
  public void withdraw() {
    for (GaugeFamily family : List.of(stageHealth, runnerHealth, serviceHealth)) {
      family.clear();
    }
  }
}
