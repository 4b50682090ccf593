package io.jobwatch.metrics;

import io.jobwatch.core.Severity;
import io.jobwatch.core.StageHealth;
import io.jobwatch.core.StageKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Stage, runner and service health (0 ok, 1 warning, 2 error, 3 fatal). Updated from the refresh
 * thread; scrapes read concurrently (MultiGauge is thread-safe).
 */
public final class HealthMetrics implements MeterBinder {
  private final LabelLimiter labels;
  private MultiGauge stageHealth;
  private MultiGauge runnerHealth;
  private MultiGauge serviceHealth;

  public HealthMetrics(LabelLimiter labels) {
    this.labels = labels;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    stageHealth =
        MultiGauge.builder("jobwatch.stage.health")
            .description("Stage health: 0 ok, 1 warning, 2 error, 3 fatal")
            .register(registry);
    runnerHealth =
        MultiGauge.builder("jobwatch.runner.health")
            .description("Runner health: the worst of its stages")
            .register(registry);
    serviceHealth =
        MultiGauge.builder("jobwatch.service.health")
            .description("Service health: the worst of its stages")
            .register(registry);
  }

  /** Replaces every health series by those of {@code stages}. */
  public void export(List<StageHealth> stages) {
    List<MultiGauge.Row<?>> stageRows = new ArrayList<>();
    Map<List<String>, Severity> runners = new HashMap<>();
    Map<String, Severity> services = new HashMap<>();
    for (StageHealth stage : stages) {
      StageKey key = stage.key();
      if (!labels.admitAll(
          activity(stage),
          "service",
          key.service(),
          "runner",
          key.runner(),
          "stage",
          key.stage())) {
        continue;
      }
      stageRows.add(
          MultiGauge.Row.of(
              Tags.of("service", key.service(), "runner", key.runner(), "stage", key.stage()),
              stage.severity().level()));
      runners.merge(List.of(key.service(), key.runner()), stage.severity(), Severity::worst);
      services.merge(key.service(), stage.severity(), Severity::worst);
    }
    stageHealth.register(stageRows, true);
    runnerHealth.register(
        runners.entrySet().stream()
            .map(
                e ->
                    MultiGauge.Row.of(
                        Tags.of("service", e.getKey().get(0), "runner", e.getKey().get(1)),
                        e.getValue().level()))
            .toList(),
        true);
    serviceHealth.register(
        services.entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("service", e.getKey()), e.getValue().level()))
            .toList(),
        true);
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
    for (MultiGauge gauge : List.of(stageHealth, runnerHealth, serviceHealth)) {
      gauge.register(List.of(), true);
    }
  }
}
