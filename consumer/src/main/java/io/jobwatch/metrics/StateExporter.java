package io.jobwatch.metrics;

import io.jobwatch.core.MonitorEvaluation;
import io.jobwatch.core.MonitorEvaluator;
import io.jobwatch.core.MonitorState;
import io.jobwatch.core.MonitorStatus;
import io.jobwatch.core.Severity;
import io.jobwatch.core.StageHealth;
import io.jobwatch.core.StageKey;
import io.jobwatch.store.Database;
import io.jobwatch.store.MonitorsTable;
import io.jobwatch.store.ProgressTable;
import io.jobwatch.store.StageHealthTable;
import io.jobwatch.store.StateQueries;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the metrics derived from the database (health, jobs, crashes, monitors, waiting jobs,
 * dead letters). Only the instance holding a PostgreSQL session advisory lock exports them, so
 * scraping several instances never yields duplicate or contradictory series; when the holder dies
 * its session ends and another instance takes over at its next refresh. The holder also
 * re-evaluates every monitor's status at the current time. {@link #refresh} is called from one
 * scheduler thread; scrapes may read concurrently.
 */
public final class StateExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateExporter.class);

  /** The advisory lock key: "jobwatch" in ASCII, so it is recognisable in pg_locks. */
  static final long LOCK_KEY = 0x6a6f627761746368L;

  private final Database database;
  private final MeterRegistry registry;
  private final LabelLimiter labels;
  private final Clock clock;
  private final AtomicInteger active = new AtomicInteger();
  // Issue 10.3: the instant monitors were last judged at (the watermark while behind); NaN when
  // this instance does not evaluate them.
  private final AtomicReference<Double> judgedAt = new AtomicReference<>(Double.NaN);
  private final Map<List<String>, Double> crashes = new ConcurrentHashMap<>();
  private final Map<List<String>, Meter> crashCounters = new HashMap<>();
  private final MultiGauge stageHealth;
  private final MultiGauge runnerHealth;
  private final MultiGauge serviceHealth;
  private final MultiGauge jobs;
  private final MultiGauge monitorStatus;
  private final MultiGauge monitorLastSuccess;
  private final MultiGauge monitorDeadline;
  private final MultiGauge monitorLastSeen;
  private final MultiGauge unsatisfiable;
  private final MultiGauge stuck;
  private final MultiGauge deadLetters;
  private Connection lockConnection;

  public StateExporter(
      Database database, MeterRegistry registry, LabelLimiter labels, Clock clock) {
    this.database = database;
    this.registry = registry;
    this.labels = labels;
    this.clock = clock;
    Gauge.builder("jobwatch.exporter.active", active, AtomicInteger::get)
        .description("1 on the one instance that exports the database-derived metrics")
        .register(registry);
    stageHealth =
        gauge("jobwatch.stage.health", "Stage health: 0 ok, 1 warning, 2 error, 3 fatal", null);
    runnerHealth = gauge("jobwatch.runner.health", "Runner health: the worst of its stages", null);
    serviceHealth =
        gauge("jobwatch.service.health", "Service health: the worst of its stages", null);
    jobs = gauge("jobwatch.jobs", "Jobs by service and state", null);
    monitorStatus = gauge("jobwatch.monitor.status", "Monitor status, one-hot", null);
    monitorLastSuccess =
        gauge(
            "jobwatch.monitor.last.success.timestamp",
            "Last successful run of a monitored script",
            "seconds");
    monitorDeadline =
        gauge(
            "jobwatch.monitor.deadline.timestamp",
            "When a monitor is down without a new success",
            "seconds");
    monitorLastSeen =
        gauge(
            "jobwatch.monitor.last.seen.timestamp",
            "Last start or finish of a monitored script",
            "seconds");
    unsatisfiable =
        gauge("jobwatch.jobs.unsatisfiable", "Open jobs whose dependencies can never be met", null);
    stuck =
        gauge(
            "jobwatch.jobs.stuck.waiting",
            "Pending jobs whose dependencies all ended over 10 minutes ago",
            null);
    deadLetters = gauge("jobwatch.dead.letters", "Dead letters not yet replayed", null);
    Gauge.builder("jobwatch.watermark.timestamp", judgedAt, ref -> ref.get())
        .description("Instant monitors are judged at: the stream's watermark while behind")
        .baseUnit("seconds")
        .register(registry);
  }

  private MultiGauge gauge(String name, String description, String unit) {
    MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
    if (unit != null) {
      builder.baseUnit(unit);
    }
    return builder.register(registry);
  }

  /** Takes or checks the lock, then exports (holder) or withdraws (others) the series. */
  public synchronized void refresh() {
    try {
      if (holdsLock()) {
        export();
        active.set(1);
        return;
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("could not export database state: {}", e.toString());
      releaseConnection();
    }
    withdraw();
  }

  private boolean holdsLock() throws SQLException {
    if (lockConnection != null && lockConnection.isValid(2)) {
      if (active.get() == 1) {
        return true;
      }
    } else {
      releaseConnection();
      lockConnection = database.dataSource().getConnection();
    }
    try (PreparedStatement statement =
        lockConnection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      statement.setLong(1, LOCK_KEY);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }

  private void export() {
    Jdbi jdbi = database.jdbi();
    Instant now = clock.instant();
    jdbi.useHandle(
        handle -> {
          exportHealth(StageHealthTable.all(handle));
          exportMonitors(handle, now);
          jobs.register(rows(StateQueries.jobsByServiceAndState(handle), "service", "state"), true);
          unsatisfiable.register(
              rows(StateQueries.unsatisfiableByService(handle), "service", null), true);
          stuck.register(rows(StateQueries.stuckByService(handle), "service", null), true);
          deadLetters.register(
              StateQueries.deadLettersByTopic(handle).stream()
                  .map(c -> MultiGauge.Row.of(Tags.of("topic", c.first()), c.count()))
                  .toList(),
              true);
          exportCrashes(StateQueries.crashesByServiceAndBlame(handle));
        });
  }

  private List<MultiGauge.Row<?>> rows(
      List<StateQueries.Count> counts, String first, String second) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (StateQueries.Count count : counts) {
      if (!labels.admit(first, count.first())) {
        continue;
      }
      Tags tags =
          second == null
              ? Tags.of(first, count.first())
              : Tags.of(first, count.first(), second, count.second());
      rows.add(MultiGauge.Row.of(tags, count.count()));
    }
    return rows;
  }

  private void exportHealth(List<StageHealth> stages) {
    List<MultiGauge.Row<?>> stageRows = new ArrayList<>();
    Map<List<String>, Severity> runners = new HashMap<>();
    Map<String, Severity> services = new HashMap<>();
    for (StageHealth stage : stages) {
      StageKey key = stage.key();
      if (!labels.admitAll(
          "service", key.service(), "runner", key.runner(), "stage", key.stage())) {
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

  private void exportMonitors(Handle handle, Instant wallClock) {
    Instant now = ProgressTable.judgementInstant(handle, wallClock);
    judgedAt.set(now.toEpochMilli() / 1000.0);
    List<MonitorsTable.Evaluated> changed = new ArrayList<>();
    List<MultiGauge.Row<?>> status = new ArrayList<>();
    List<MultiGauge.Row<?>> lastSuccess = new ArrayList<>();
    List<MultiGauge.Row<?>> deadline = new ArrayList<>();
    List<MultiGauge.Row<?>> lastSeen = new ArrayList<>();
    for (MonitorsTable.Stored stored : MonitorsTable.allWithEvaluation(handle)) {
      MonitorState state = stored.state();
      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, now);
      if (!Objects.equals(evaluation, stored.evaluation())) {
        changed.add(new MonitorsTable.Evaluated(state, evaluation, now));
      }
      if (evaluation == null
          || evaluation.status() == MonitorStatus.RETIRED
          || !labels.admitAll("monitor", state.monitor(), "team", state.team())) {
        continue;
      }
      Tags tags = Tags.of("monitor", state.monitor(), "team", state.team());
      for (MonitorStatus candidate : MonitorStatus.values()) {
        if (candidate != MonitorStatus.RETIRED) {
          status.add(
              MultiGauge.Row.of(
                  tags.and("status", candidate.wireName()),
                  candidate == evaluation.status() ? 1 : 0));
        }
      }
      addTimestamp(lastSuccess, tags, state.lastSuccessAt());
      addTimestamp(deadline, tags, evaluation.deadline());
      addTimestamp(lastSeen, tags, evaluation.lastSeenAt());
    }
    MonitorsTable.storeEvaluations(handle, changed);
    monitorStatus.register(status, true);
    monitorLastSuccess.register(lastSuccess, true);
    monitorDeadline.register(deadline, true);
    monitorLastSeen.register(lastSeen, true);
  }

  private static void addTimestamp(List<MultiGauge.Row<?>> rows, Tags tags, Instant at) {
    if (at != null) {
      rows.add(MultiGauge.Row.of(tags, at.toEpochMilli() / 1000.0));
    }
  }

  private void exportCrashes(List<StateQueries.Count> counts) {
    for (StateQueries.Count count : counts) {
      List<String> key = List.of(count.first(), count.second());
      if (!crashCounters.containsKey(key) && !labels.admit("service", count.first())) {
        continue;
      }
      crashes.put(key, (double) count.count());
      crashCounters.computeIfAbsent(
          key,
          k ->
              FunctionCounter.builder("jobwatch.job.crashes", crashes, m -> m.getOrDefault(k, 0.0))
                  .description("Crashes applied, by service and blame")
                  .tags("service", k.get(0), "blame", k.get(1))
                  .register(registry));
    }
  }

  private void withdraw() {
    judgedAt.set(Double.NaN);
    if (active.getAndSet(0) == 1) {
      LOG.info("another instance exports the database state now");
    }
    for (MultiGauge gauge :
        List.of(
            stageHealth,
            runnerHealth,
            serviceHealth,
            jobs,
            monitorStatus,
            monitorLastSuccess,
            monitorDeadline,
            monitorLastSeen,
            unsatisfiable,
            stuck,
            deadLetters)) {
      gauge.register(List.of(), true);
    }
    crashCounters.values().forEach(registry::remove);
    crashCounters.clear();
    crashes.clear();
  }

  private void releaseConnection() {
    if (lockConnection != null) {
      try {
        lockConnection.close();
      } catch (SQLException e) {
        LOG.debug("closing the lock connection failed: {}", e.toString());
      }
      lockConnection = null;
    }
  }

  public boolean isActive() {
    return active.get() == 1;
  }

  @Override
  public synchronized void close() {
    withdraw();
    releaseConnection();
  }
}
