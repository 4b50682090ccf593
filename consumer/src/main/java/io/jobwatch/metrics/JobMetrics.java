package io.jobwatch.metrics;

import io.jobwatch.store.StateQueries;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jobs by service and state, unsatisfiable and stuck jobs, crashes by service and blame, and dead
 * letters by topic. Updated from the refresh thread; scrapes read concurrently.
 */
public final class JobMetrics implements MeterBinder {
  private final LabelLimiter labels;
  private final Map<List<String>, Double> crashes = new ConcurrentHashMap<>();
  private final Map<List<String>, Meter> crashCounters = new HashMap<>();
  private MeterRegistry registry;
  private MultiGauge jobs;
  private MultiGauge unsatisfiable;
  private MultiGauge stuck;
  private MultiGauge deadLetters;

  public JobMetrics(LabelLimiter labels) {
    this.labels = labels;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    this.registry = meters;
    jobs =
        MultiGauge.builder("jobwatch.jobs")
            .description("Jobs by service and state")
            .register(meters);
    unsatisfiable =
        MultiGauge.builder("jobwatch.jobs.unsatisfiable")
            .description("Open jobs whose dependencies can never be met")
            .register(meters);
    stuck =
        MultiGauge.builder("jobwatch.jobs.stuck.waiting")
            .description("Pending jobs whose dependencies all ended over 10 minutes ago")
            .register(meters);
    deadLetters =
        MultiGauge.builder("jobwatch.dead.letters")
            .description("Dead letters not yet replayed")
            .register(meters);
  }

  /** Replaces every job series by those of {@code state}. */
  public void export(DatabaseState state) {
    List<MultiGauge.Row<?>> jobRows = new ArrayList<>();
    for (StateQueries.ActiveCount count : state.jobs()) {
      if (labels.admit("service", count.first(), count.lastActivity())) {
        jobRows.add(
            MultiGauge.Row.of(
                Tags.of("service", count.first(), "state", count.second()), count.count()));
      }
    }
    jobs.register(jobRows, true);
    unsatisfiable.register(byService(state.unsatisfiable()), true);
    stuck.register(byService(state.stuck()), true);
    deadLetters.register(
        state.deadLetters().stream()
            .map(c -> MultiGauge.Row.of(Tags.of("topic", c.first()), c.count()))
            .toList(),
        true);
    exportCrashes(state.crashes());
  }

  private List<MultiGauge.Row<?>> byService(List<StateQueries.Count> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (StateQueries.Count count : counts) {
      if (labels.admit("service", count.first(), null)) {
        rows.add(MultiGauge.Row.of(Tags.of("service", count.first()), count.count()));
      }
    }
    return rows;
  }

  private void exportCrashes(List<StateQueries.Count> counts) {
    Set<List<String>> exported = new HashSet<>();
    for (StateQueries.Count count : counts) {
      List<String> key = List.of(count.first(), count.second());
      if (!labels.admit("service", count.first(), null)) {
        continue;
      }
      exported.add(key);
      crashes.put(key, (double) count.count());
      crashCounters.computeIfAbsent(
          key,
          k ->
              FunctionCounter.builder("jobwatch.job.crashes", crashes, m -> m.getOrDefault(k, 0.0))
                  .description("Crashes applied, by service and blame")
                  .tags("service", k.get(0), "blame", k.get(1))
                  .register(registry));
    }
    // A service that left the label set takes its crash counters with it.
    for (List<String> key : new ArrayList<>(crashCounters.keySet())) {
      if (!exported.contains(key)) {
        registry.remove(crashCounters.remove(key));
        crashes.remove(key);
      }
    }
  }

  /** Removes every job series (another instance exports them). */
  public void withdraw() {
    for (MultiGauge gauge : List.of(jobs, unsatisfiable, stuck, deadLetters)) {
      gauge.register(List.of(), true);
    }
    crashCounters.values().forEach(registry::remove);
    crashCounters.clear();
    crashes.clear();
  }
}
