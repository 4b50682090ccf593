package io.jobwatch.metrics;

import io.jobwatch.core.stage.StagePolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database-derived families (health, jobs, monitors) plus the refresh's own bookkeeping:
 * whether this instance exports them ({@code jobwatch_exporter_active}), when a refresh last
 * succeeded ({@code jobwatch_state_refresh_timestamp_seconds}) and how many failed ({@code
 * jobwatch_state_refresh_errors_total}). A failed refresh changes no family: the last known values
 * stay, and their age shows in the timestamp. Written by the one refresh thread; thread-safe for
 * scrapes.
 */
public final class StateMetrics implements MeterBinder {
  private final HealthMetrics health;
  private final JobMetrics jobs;
  private final MonitorMetrics monitors;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong lastRefreshMillis = new AtomicLong();
  private Counter refreshErrors;

  /** With the default stage thresholds (tests). */
  public StateMetrics(LabelLimiter labels) {
    this(labels, StagePolicy.defaults());
  }

  /** {@code stagePolicy} judges stages as of the judgement instant while a backlog drains. */
  public StateMetrics(LabelLimiter labels, StagePolicy stagePolicy) {
    this.health = new HealthMetrics(labels, stagePolicy);
    this.jobs = new JobMetrics(labels);
    this.monitors = new MonitorMetrics(labels);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("jobwatch.exporter.active", active, AtomicInteger::get)
        .description("1 on the one instance that exports the database-derived metrics")
        .register(registry);
    Gauge.builder("jobwatch.state.refresh.timestamp", lastRefreshMillis, m -> m.get() / 1000.0)
        .description(
            "When the database-derived metrics were last refreshed successfully (0: never)")
        .baseUnit("seconds")
        .register(registry);
    refreshErrors =
        Counter.builder("jobwatch.state.refresh.errors")
            .description("Refreshes of the database-derived metrics that failed (values kept)")
            .register(registry);
    health.bindTo(registry);
    jobs.bindTo(registry);
    monitors.bindTo(registry);
  }

  /**
   * This instance holds the lease: replace every family by {@code state}, read at {@code at}. A
   * judgement instant before {@code at} means a backlog drains: stages are judged as of it.
   */
  public void export(DatabaseState state, Instant at) {
    Instant judgedAt = state.judgedAt();
    health.export(state.stages(), judgedAt != null && judgedAt.isBefore(at) ? judgedAt : null);
    monitors.export(state.monitors(), state.judgedAt());
    jobs.export(state);
    active.set(1);
    lastRefreshMillis.set(at.toEpochMilli());
  }

  /** Another instance holds the lease: serve none of the families. */
  public void withdraw(Instant at) {
    withdraw();
    lastRefreshMillis.set(at.toEpochMilli());
  }

  /** Serve none of the families (shutdown, or another instance exports them). */
  public void withdraw() {
    active.set(0);
    health.withdraw();
    monitors.withdraw();
    jobs.withdraw();
  }

  /** The database could not be read: keep every value as it is, count the failure. */
  public void refreshFailed() {
    refreshErrors.increment();
  }

  public boolean isActive() {
    return active.get() == 1;
  }
}
