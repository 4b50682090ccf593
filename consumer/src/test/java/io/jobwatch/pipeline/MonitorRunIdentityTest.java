package io.jobwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorRules;
import io.jobwatch.core.monitor.MonitorRun;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.monitor.MonitorStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One attempt of a monitored job is one run, whatever the order its events arrive in and wherever
 * the batch boundaries fall: the pipeline observes the job row after every batch that changed it
 * ({@link MonitorsWriter#runOf}), and the monitor merges those observations instead of counting
 * them (brief: "Order of arrival is not order of occurrence"; docs/monitors.md, "Fold rules").
 */
class MonitorRunIdentityTest {
  private static final String MONITOR = "nightly-backup";
  private static final String JOB = "6f1c3a52-5a8e-4c1b-9a53-0d3f1e2b7c11";
  private static final Instant SUBMITTED_AT = Instant.parse("2026-06-10T10:00:00Z");
  private static final Instant STARTED_AT = Instant.parse("2026-06-10T10:00:01Z");
  private static final Instant FINISHED_AT = Instant.parse("2026-06-10T10:05:00Z");

  private static JobEvent submitted() {
    return new JobEvent(
        "e-submitted",
        SUBMITTED_AT,
        JOB,
        "cron",
        new JobChange.Submitted("cron", MONITOR, null, null, null));
  }

  private static JobEvent started(Instant at) {
    return new JobEvent(
        "e-started", at, JOB, "cron", new JobChange.Started("cron", 1, "host-1", MONITOR));
  }

  private static JobEvent finished(Instant at, int exitCode) {
    return new JobEvent("e-finished", at, JOB, null, new JobChange.Finished(1, exitCode));
  }

  /** The run the pipeline derives from the job row after a batch, given every event so far. */
  private static MonitorRun runAfter(JobEvent... eventsSoFar) {
    return MonitorsWriter.runOf(JobFold.fold(List.of(eventsSoFar)).row());
  }

  private static MonitorState declared(MonitorRules rules, Duration maxRuntime) {
    return MonitorFold.apply(
        null,
        new MonitorEvent(
            "e-declared",
            Instant.parse("2026-06-10T09:00:00Z"),
            MONITOR,
            new MonitorChange.Declared(
                "storage",
                new MonitorChange.Schedule.Every(Duration.ofHours(1)),
                Duration.ofMinutes(10),
                maxRuntime,
                rules)));
  }

  private static MonitorState observe(MonitorState state, MonitorRun... runs) {
    for (MonitorRun run : runs) {
      state = MonitorFold.observeRun(state, MONITOR, run);
    }
    return state;
  }

  @Test
  @DisplayName(
      "A failed job whose finish is folded a batch before its start is one failure, as in order")
  void failedJobSeenFinishBeforeStartIsOneFailure() {
    MonitorRules threshold2 = new MonitorRules(null, null, 2, 1, null, null);
    MonitorState outOfOrder =
        observe(
            declared(threshold2, null),
            runAfter(submitted(), finished(FINISHED_AT, 1)),
            runAfter(submitted(), finished(FINISHED_AT, 1), started(STARTED_AT)));
    MonitorState inOrder =
        observe(
            declared(threshold2, null),
            runAfter(submitted(), started(STARTED_AT)),
            runAfter(submitted(), started(STARTED_AT), finished(FINISHED_AT, 1)));
    Instant now = Instant.parse("2026-06-10T10:06:00Z");

    assertThat(MonitorEvaluator.consecutiveFailures(inOrder)).isEqualTo(1);
    assertThat(MonitorEvaluator.evaluate(inOrder, now).status()).isEqualTo(MonitorStatus.UP);
    assertThat(MonitorEvaluator.consecutiveFailures(outOfOrder)).isEqualTo(1);
    assertThat(MonitorEvaluator.evaluate(outOfOrder, now).status()).isEqualTo(MonitorStatus.UP);
    assertThat(outOfOrder).isEqualTo(inOrder);
  }

  @Test
  @DisplayName("With max_runs_per_period {runs: 1, period: PT1H} one job seen twice is one run")
  void succeededJobSeenFinishBeforeStartIsOneRunPerPeriod() {
    MonitorRules oncePerHour = new MonitorRules(null, null, 1, 1, 1, Duration.ofHours(1));
    MonitorState state =
        observe(
            declared(oncePerHour, null),
            runAfter(submitted(), finished(FINISHED_AT, 0)),
            runAfter(submitted(), finished(FINISHED_AT, 0), started(STARTED_AT)));

    assertThat(state.recentRuns()).hasSize(1);
    assertThat(state.recentRuns().get(0).startedAt()).isEqualTo(STARTED_AT);
    assertThat(state.lastRunDuration()).isEqualTo(Duration.between(STARTED_AT, FINISHED_AT));
    assertThat(MonitorEvaluator.evaluate(state, Instant.parse("2026-06-10T10:06:00Z")).status())
        .isEqualTo(MonitorStatus.UP);
  }

  @Test
  @DisplayName(
      "A start the job fold ignores (after the job's finish) does not leave the monitor running")
  void startIgnoredByTheJobFoldDoesNotLeaveTheMonitorRunning() {
    Instant skewedStart = Instant.parse("2026-06-10T10:05:02Z"); // runner's clock 2 s ahead
    MonitorRun afterFinish = runAfter(submitted(), started(skewedStart), finished(FINISHED_AT, 0));
    MonitorState batchByBatch =
        observe(
            declared(MonitorRules.DEFAULT, Duration.ofMinutes(15)),
            runAfter(submitted(), started(skewedStart)),
            afterFinish);
    MonitorState oneBatch =
        observe(declared(MonitorRules.DEFAULT, Duration.ofMinutes(15)), afterFinish);
    Instant now = Instant.parse("2026-06-10T10:30:00Z");

    assertThat(MonitorEvaluator.evaluate(oneBatch, now).status()).isEqualTo(MonitorStatus.UP);
    assertThat(MonitorEvaluator.evaluate(batchByBatch, now).status()).isEqualTo(MonitorStatus.UP);
    assertThat(batchByBatch.isRunning()).isFalse();
    assertThat(batchByBatch).isEqualTo(oneBatch);
  }

  @Test
  @DisplayName("A start seen again after its run finished does not reopen the run")
  void startSeenAfterTheFinishDoesNotReopen() {
    Instant skewedStart = Instant.parse("2026-06-10T10:05:02Z");
    MonitorRun open = runAfter(submitted(), started(skewedStart));
    MonitorRun afterFinish = runAfter(submitted(), started(skewedStart), finished(FINISHED_AT, 0));

    MonitorState openLast =
        observe(declared(MonitorRules.DEFAULT, Duration.ofMinutes(15)), afterFinish, open);

    assertThat(openLast.isRunning()).isFalse();
    assertThat(openLast)
        .isEqualTo(
            observe(declared(MonitorRules.DEFAULT, Duration.ofMinutes(15)), open, afterFinish));
  }

  @Test
  @DisplayName("Two jobs finishing at the same instant are still two runs")
  void twoJobsAreTwoRuns() {
    MonitorRun one = new MonitorRun("job-1", 1, STARTED_AT, FINISHED_AT, false);
    MonitorRun other = new MonitorRun("job-2", 1, STARTED_AT, FINISHED_AT, false);

    MonitorState state =
        observe(declared(new MonitorRules(null, null, 2, 1, null, null), null), one, other);

    assertThat(state.recentRuns()).hasSize(2);
    assertThat(MonitorEvaluator.consecutiveFailures(state)).isEqualTo(2);
  }

  /**
   * Audit finding 2d, not fixed yet: each finished attempt is a run, but the job row shows only the
   * latest attempt, so a batch that holds both attempts' finishes shows the monitor attempt 2 only.
   */
  @Test
  @Disabled(
      "needs the attempts a batch ended from the job fold (JobFold.Result / BatchPlanner.Plan);"
          + " see docs/monitors.md, Known limits")
  @DisplayName("A requeued job counts the same whatever the batch boundaries")
  void requeuedJobCountsTheSameWhateverTheBatches() {
    MonitorRules threshold2 = new MonitorRules(null, null, 2, 1, null, null);
    JobEvent requeued =
        new JobEvent(
            "e-requeued",
            Instant.parse("2026-06-10T10:05:30Z"),
            JOB,
            null,
            new JobChange.Requeued(2, "retry"));
    JobEvent started2 =
        new JobEvent(
            "e-started-2",
            Instant.parse("2026-06-10T10:06:00Z"),
            JOB,
            null,
            new JobChange.Started("cron", 2, "host-1", null));
    JobEvent finished2 =
        new JobEvent(
            "e-finished-2",
            Instant.parse("2026-06-10T10:09:00Z"),
            JOB,
            null,
            new JobChange.Finished(2, 1));
    JobEvent[] attempt1 = {submitted(), started(STARTED_AT), finished(FINISHED_AT, 1)};
    JobEvent[] all = {
      submitted(), started(STARTED_AT), finished(FINISHED_AT, 1), requeued, started2, finished2
    };

    MonitorState batchByBatch =
        observe(declared(threshold2, null), runAfter(attempt1), runAfter(all));
    MonitorState oneBatch = observe(declared(threshold2, null), runAfter(all));

    assertThat(MonitorEvaluator.consecutiveFailures(oneBatch)).isEqualTo(2);
    assertThat(oneBatch).isEqualTo(batchByBatch);
  }
}
