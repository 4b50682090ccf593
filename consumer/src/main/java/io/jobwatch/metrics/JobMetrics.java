package io.jobwatch.metrics;

import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobState;
import io.jobwatch.store.StateQueries;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
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
  private GaugeFamily jobs;
  private GaugeFamily unsatisfiable;
  private GaugeFamily stuck;
  private GaugeFamily deadLetters;

  public JobMetrics(LabelLimiter labels) {
    this.labels = labels;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    this.registry = meters;
    jobs = GaugeFamily.register(meters, "jobwatch.jobs", "Jobs by service and state", null);
    unsatisfiable =
        GaugeFamily.register(
            meters,
            "jobwatch.jobs.unsatisfiable",
            "Open jobs whose dependencies can never be met",
            null);
    stuck =
        GaugeFamily.register(
            meters,
            "jobwatch.jobs.stuck.waiting",
            "Jobs listed in stuck_jobs (waiting JOBWATCH_STUCK_AFTER past their dependencies)",
            null);
    deadLetters =
        GaugeFamily.register(
            meters, "jobwatch.dead.letters", "Dead letters not yet replayed", null);
  }

  /** Replaces every job series by those of {@code state}. */
  public void export(DatabaseState state) {
    jobs.replace(jobsByServiceAndState(state.jobs()));
    unsatisfiable.replace(byService(state.unsatisfiable()));
    stuck.replace(byService(state.stuck()));
    Map<Tags, Long> letters = new HashMap<>();
    state.deadLetters().forEach(c -> letters.put(Tags.of("topic", c.first()), c.count()));
    deadLetters.replace(letters);
    Set<String> services = new HashSet<>();
    state.jobs().forEach(count -> services.add(count.first()));
    exportCrashes(services, state.crashes());
  }

  /**
   * Every state of every known service (one with a row in {@code job_counts}, even if all its jobs
   * ended or were pruned), 0 when it has no job in that state: a series that drops to 0 stays, so
   * rules and dashboards that compare or sum states never meet an absent series.
   */
  private Map<Tags, Long> jobsByServiceAndState(List<StateQueries.ActiveCount> counts) {
    Map<String, Map<String, Long>> byService = new HashMap<>();
    Map<String, Instant> activity = new HashMap<>();
    for (StateQueries.ActiveCount count : counts) {
      byService
          .computeIfAbsent(count.first(), service -> new HashMap<>())
          .merge(count.second(), count.count(), Long::sum);
      if (count.lastActivity() != null) {
        activity.merge(count.first(), count.lastActivity(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    Map<Tags, Long> rows = new HashMap<>();
    byService.forEach(
        (service, states) -> {
          if (!labels.admit("service", service, activity.get(service))) {
            return;
          }
          for (JobState candidate : JobState.values()) {
            String name = candidate.wireName();
            rows.put(Tags.of("service", service, "state", name), states.getOrDefault(name, 0L));
          }
        });
    return rows;
  }

  private Map<Tags, Long> byService(List<StateQueries.Count> counts) {
    Map<Tags, Long> rows = new HashMap<>();
    for (StateQueries.Count count : counts) {
      if (labels.admit("service", count.first(), null)) {
        rows.put(Tags.of("service", count.first()), count.count());
      }
    }
    return rows;
  }

  /**
   * Crash totals of every (service, blame) with crashes, and zeros for every blame of the other
   * services with jobs: a pair's series exists before its first crash, so that crash is an increase
   * the alert rule sees (a series born at 1 has no increase to see).
   */
  private void exportCrashes(Set<String> servicesWithJobs, List<StateQueries.Count> counts) {
    Map<List<String>, Double> totals = new HashMap<>();
    for (String service : servicesWithJobs) {
      for (Blame blame : Blame.values()) {
        totals.put(List.of(service, blame.wireName()), 0.0);
      }
    }
    counts.forEach(
        count -> totals.put(List.of(count.first(), count.second()), (double) count.count()));
    Set<List<String>> exported = new HashSet<>();
    for (Map.Entry<List<String>, Double> total : totals.entrySet()) {
      List<String> key = total.getKey();
      if (!labels.admit("service", key.get(0), null)) {
        continue;
      }
      exported.add(key);
      crashes.put(key, total.getValue());
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
    for (GaugeFamily family : List.of(jobs, unsatisfiable, stuck, deadLetters)) {
      family.clear();
    }
    crashCounters.values().forEach(registry::remove);
    crashCounters.clear();
    crashes.clear();
  }
}
