package io.jobwatch.metrics;

import io.jobwatch.core.monitor.MonitorEvaluation;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.monitor.MonitorStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Monitor status (one-hot), last success, deadline and last seen per monitor and team. Retired
 * monitors disappear and give up their label value at once. Updated from the refresh thread;
 * scrapes read concurrently.
 */
public final class MonitorMetrics implements MeterBinder {
  /** The statuses an alert rule pages or tickets on. */
  private static final Set<MonitorStatus> ALERTING =
      Set.of(
          MonitorStatus.LATE, MonitorStatus.DOWN, MonitorStatus.OVERRUN, MonitorStatus.TOO_OFTEN);

  private final LabelLimiter labels;
  private GaugeFamily status;
  private GaugeFamily lastSuccess;
  private GaugeFamily deadline;
  private GaugeFamily lastSeen;
  private GaugeFamily consecutiveFailures;
  // The instant monitors were last judged at: one series on the exporter, none elsewhere (served
  // as NaN by every other instance, it was one more series per instance than the exporter's).
  private GaugeFamily judgedAt;

  public MonitorMetrics(LabelLimiter labels) {
    this.labels = labels;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    status =
        GaugeFamily.register(registry, "jobwatch.monitor.status", "Monitor status, one-hot", null);
    lastSuccess = timestamp(registry, "last.success", "Last successful run of a monitored script");
    deadline = timestamp(registry, "deadline", "When a monitor is down without a new success");
    lastSeen = timestamp(registry, "last.seen", "Last start or finish of a monitored script");
    consecutiveFailures =
        GaugeFamily.register(
            registry,
            "jobwatch.monitor.consecutive.failures",
            "Failed runs in a row (a success shorter than min_runtime counts as failed); down at"
                + " failure_threshold",
            null);
    judgedAt =
        GaugeFamily.register(
            registry,
            "jobwatch.watermark.timestamp",
            "Instant monitors are judged at: the stream's watermark while behind",
            "seconds");
  }

  private static GaugeFamily timestamp(MeterRegistry registry, String what, String description) {
    return GaugeFamily.register(
        registry, "jobwatch.monitor." + what + ".timestamp", description, "seconds");
  }

  /** Replaces every monitor series by those of {@code monitors}, judged at {@code judged}. */
  public void export(List<DatabaseState.Monitor> monitors, Instant judged) {
    judgedAt.replace(
        judged == null ? Map.of() : Map.of(Tags.empty(), judged.toEpochMilli() / 1000.0));
    Map<Tags, Integer> statusRows = new HashMap<>();
    Map<Tags, Double> lastSuccessRows = new HashMap<>();
    Map<Tags, Double> deadlineRows = new HashMap<>();
    Map<Tags, Double> lastSeenRows = new HashMap<>();
    Map<Tags, Integer> failureRows = new HashMap<>();
    // An exporter that starts (a handover, a restart) fills the label from nothing: the monitors
    // that alert take their places first, so a full label never drops a page because its monitor's
    // name sorts after those of quiet ones (the sort is stable: otherwise the database's order).
    List<DatabaseState.Monitor> alertingFirst = new ArrayList<>(monitors);
    alertingFirst.sort(Comparator.comparing(monitor -> !alerting(monitor)));
    for (DatabaseState.Monitor monitor : alertingFirst) {
      MonitorState state = monitor.state();
      MonitorEvaluation evaluation = monitor.evaluation();
      if (evaluation == null) {
        continue;
      }
      if (evaluation.status() == MonitorStatus.RETIRED) {
        labels.forget("monitor", state.monitor());
        continue;
      }
      Instant activity =
          ALERTING.contains(evaluation.status()) ? labels.alertingNow() : activity(state);
      if (!labels.admitAll(activity, "monitor", state.monitor(), "team", state.team())) {
        continue;
      }
      Tags tags = Tags.of("monitor", state.monitor(), "team", state.team());
      for (MonitorStatus candidate : MonitorStatus.values()) {
        if (candidate != MonitorStatus.RETIRED) {
          statusRows.put(
              tags.and("status", candidate.wireName()), candidate == evaluation.status() ? 1 : 0);
        }
      }
      addTimestamp(lastSuccessRows, tags, state.lastSuccessAt());
      addTimestamp(deadlineRows, tags, evaluation.deadline());
      addTimestamp(lastSeenRows, tags, evaluation.lastSeenAt());
      failureRows.put(tags, MonitorEvaluator.consecutiveFailures(state));
    }
    status.replace(statusRows);
    lastSuccess.replace(lastSuccessRows);
    deadline.replace(deadlineRows);
    lastSeen.replace(lastSeenRows);
    consecutiveFailures.replace(failureRows);
  }

  private static boolean alerting(DatabaseState.Monitor monitor) {
    return monitor.evaluation() != null && ALERTING.contains(monitor.evaluation().status());
  }

  /** A monitor is active while declared or run recently; it holds its label value meanwhile. */
  private static Instant activity(MonitorState state) {
    return Stream.of(state.declaredAt(), state.lastSeenAt(), state.pausedChangedAt())
        .filter(Objects::nonNull)
        .max(Instant::compareTo)
        .orElse(null);
  }

  private static void addTimestamp(Map<Tags, Double> rows, Tags tags, Instant at) {
    if (at != null) {
      rows.put(tags, at.toEpochMilli() / 1000.0);
    }
  }

  /** Removes every monitor series (another instance exports them). */
  public void withdraw() {
    for (GaugeFamily family :
        List.of(status, lastSuccess, deadline, lastSeen, consecutiveFailures, judgedAt)) {
      family.clear();
    }
  }
}
