package io.jobwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.monitor.FinishedRun;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.monitor.MonitorEvaluation;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorRules;
import io.jobwatch.core.monitor.MonitorRun;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.monitor.MonitorStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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

  private static final Instant REQUEUED_AT = Instant.parse("2026-06-10T10:05:30Z");
  private static final Instant STARTED_2_AT = Instant.parse("2026-06-10T10:06:00Z");
  private static final Instant FINISHED_2_AT = Instant.parse("2026-06-10T10:09:00Z");

  private static JobEvent requeued() {
    return new JobEvent("e-requeued", REQUEUED_AT, JOB, null, new JobChange.Requeued(2, "retry"));
  }

  private static JobEvent started2() {
    return new JobEvent(
        "e-started-2", STARTED_2_AT, JOB, null, new JobChange.Started("cron", 2, "host-1", null));
  }

  private static JobEvent finished2(int exitCode) {
    return new JobEvent(
        "e-finished-2", FINISHED_2_AT, JOB, null, new JobChange.Finished(2, exitCode));
  }

  /** The run the pipeline derives from the job row after a batch, given every event so far. */
  private static MonitorRun runAfter(JobEvent... eventsSoFar) {
    return MonitorsWriter.runOf(JobFold.fold(List.of(eventsSoFar)).row());
  }

  /**
   * What the pipeline observes of the job after a batch, given every event so far: its current
   * attempt as a run, and the prior success the job fold reports with it (null if none).
   */
  private static MonitorRun[] observedAfter(JobEvent... eventsSoFar) {
    JobFold.Result folded = JobFold.fold(List.of(eventsSoFar));
    return new MonitorRun[] {
      MonitorsWriter.runOf(folded.row()),
      MonitorsWriter.priorSuccessOf(folded.row(), folded.priorSuccess())
    };
  }

  private static MonitorState declared(MonitorRules rules, Duration maxRuntime) {
    return declared(Instant.parse("2026-06-10T09:00:00Z"), rules, maxRuntime);
  }

  private static MonitorState declared(Instant at, MonitorRules rules, Duration maxRuntime) {
    return MonitorFold.apply(
        null,
        new MonitorEvent(
            "e-declared",
            at,
            MONITOR,
            new MonitorChange.Declared(
                "storage",
                new MonitorChange.Schedule.Every(Duration.ofHours(1)),
                Duration.ofMinutes(10),
                maxRuntime,
                rules)));
  }

  /** Observes {@code runs} in order; a null run (a job row with nothing to report) is skipped. */
  private static MonitorState observe(MonitorState state, MonitorRun... runs) {
    for (MonitorRun run : runs) {
      if (run != null) {
        state = MonitorFold.observeRun(state, MONITOR, run);
      }
    }
    return state;
  }

  /**
   * The monitor after {@code events} (in this order of arrival) under every way Kafka may cut them
   * into batches: the pipeline observes the job row after each batch.
   */
  private static List<MonitorState> everyBatching(MonitorState declared, JobEvent... events) {
    int n = events.length;
    List<MonitorState> states = new ArrayList<>();
    for (int cuts = 0; cuts < 1 << (n - 1); cuts++) {
      MonitorState state = declared;
      for (int end = 1; end <= n; end++) {
        if (end == n || (cuts & 1 << (end - 1)) != 0) {
          MonitorRun[] observed = observedAfter(Arrays.copyOf(events, end));
          if (observed[0] != null) {
            state = MonitorFold.observeRun(state, MONITOR, observed[0], observed[1]);
          }
        }
      }
      states.add(state);
    }
    return states;
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
   * Audit finding 2d: a job is one run of its monitor and its attempts are retries of that run,
   * whose outcome is the latest attempt's. A job that failed twice (attempt 1, then its retry) is
   * one failed run, whether or not a batch boundary fell between the attempts; the job row shows
   * only the latest attempt, so counting attempts would depend on the batching.
   */
  @Test
  @DisplayName("A requeued job counts the same whatever the batch boundaries: one run, one failure")
  void requeuedJobCountsTheSameWhateverTheBatches() {
    MonitorRules threshold2 = new MonitorRules(null, null, 2, 1, null, null);
    JobEvent[] all = {
      submitted(),
      started(STARTED_AT),
      finished(FINISHED_AT, 1),
      requeued(),
      started2(),
      finished2(1)
    };
    MonitorState oneBatch = observe(declared(threshold2, null), runAfter(all));
    Instant now = Instant.parse("2026-06-10T10:09:30Z");

    assertThat(MonitorEvaluator.consecutiveFailures(oneBatch)).isEqualTo(1);
    assertThat(oneBatch.recentRuns()).hasSize(1);
    assertThat(oneBatch.recentRuns().get(0).attempt()).isEqualTo(2);
    assertThat(MonitorEvaluator.evaluate(oneBatch, now).status()).isEqualTo(MonitorStatus.UP);
    for (MonitorState state : everyBatching(declared(threshold2, null), all)) {
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isEqualTo(1);
      assertThat(state.recentRuns()).isEqualTo(oneBatch.recentRuns());
      assertThat(state.openRuns()).isEqualTo(oneBatch.openRuns());
      assertThat(MonitorEvaluator.evaluate(state, now))
          .isEqualTo(MonitorEvaluator.evaluate(oneBatch, now));
    }
  }

  @Test
  @DisplayName("Attempt 1 failed and its retry succeeded: up, and one run, whatever the batching")
  void retryThatSucceedsIsOneSuccessfulRun() {
    JobEvent[] all = {
      submitted(),
      started(STARTED_AT),
      finished(FINISHED_AT, 1),
      requeued(),
      started2(),
      finished2(0)
    };
    Instant now = Instant.parse("2026-06-10T10:09:30Z");

    for (MonitorState state : everyBatching(declared(MonitorRules.DEFAULT, null), all)) {
      assertThat(state.recentRuns()).hasSize(1);
      assertThat(state.recentRuns().get(0).attempt()).isEqualTo(2);
      assertThat(state.recentRuns().get(0).succeeded()).isTrue();
      assertThat(state.openRuns()).isEmpty();
      assertThat(state.lastRunFailed()).isFalse();
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.UP);
      assertThat(MonitorEvaluator.evaluate(state, now).expectedAt())
          .isEqualTo(Instant.parse("2026-06-10T11:09:00Z"));
    }
  }

  @Test
  @DisplayName(
      "Attempt 1 failed and its retry is running: running, not down, whatever the batching")
  void failedAttemptWithItsRetryRunningIsNotDown() {
    JobEvent[] all = {
      submitted(), started(STARTED_AT), finished(FINISHED_AT, 1), requeued(), started2()
    };
    MonitorState declared =
        declared(
            Instant.parse("2026-06-10T09:30:00Z"), MonitorRules.DEFAULT, Duration.ofMinutes(15));
    Instant now = Instant.parse("2026-06-10T10:07:00Z");

    for (MonitorState state : everyBatching(declared, all)) {
      assertThat(state.isRunning()).isTrue();
      assertThat(state.lastStartAt()).isEqualTo(STARTED_2_AT);
      assertThat(state.recentRuns()).isEmpty();
      assertThat(state.lastRunFailed()).isFalse();
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.UP);
      assertThat(MonitorEvaluator.evaluate(state, Instant.parse("2026-06-10T10:21:01Z")).status())
          .isEqualTo(MonitorStatus.OVERRUN);
    }
  }

  @Test
  @DisplayName("Attempt 1 failed and its retry is queued: not down, whatever the batching")
  void failedAttemptWithItsRetryQueuedIsNotDown() {
    JobEvent[] all = {submitted(), started(STARTED_AT), finished(FINISHED_AT, 1), requeued()};
    MonitorState declared =
        declared(
            Instant.parse("2026-06-10T09:30:00Z"), MonitorRules.DEFAULT, Duration.ofMinutes(15));
    Instant now = Instant.parse("2026-06-10T10:07:00Z");

    for (MonitorState state : everyBatching(declared, all)) {
      assertThat(state.isRunning()).isFalse();
      assertThat(state.recentRuns()).isEmpty();
      assertThat(state.lastRunFailed()).isFalse();
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.UP);
      // no success: down once the deadline after the declaration passes, as for any run pending
      assertThat(MonitorEvaluator.evaluate(state, Instant.parse("2026-06-10T10:41:00Z")).status())
          .isEqualTo(MonitorStatus.DOWN);
    }
  }

  @Test
  @DisplayName(
      "A run cancelled before its exit arrived is no failure, whatever the batching: not down")
  void cancelTimedBeforeTheExitAndArrivingAfterItIsNoFailure() {
    // The scheduler cancels at 10:04:59; the runner reports the SIGTERM exit (143, crashed) at
    // 10:05:00 and its record arrives first. The job row ends cancelled (the first terminal event
    // by time), and a cancelled run counts as a finish only, in either order of arrival.
    JobEvent cancelled =
        new JobEvent(
            "e-cancelled",
            FINISHED_AT.minusSeconds(1),
            JOB,
            null,
            new JobChange.Cancelled("cancelled by the scheduler"));
    JobEvent[] all = {submitted(), started(STARTED_AT), finished(FINISHED_AT, 143), cancelled};
    MonitorRun earlierSuccess =
        new MonitorRun(
            "job-0",
            1,
            Instant.parse("2026-06-10T09:50:00Z"),
            Instant.parse("2026-06-10T09:55:00Z"),
            true);
    MonitorState declared =
        declared(Instant.parse("2026-06-10T09:30:00Z"), MonitorRules.DEFAULT, null);
    Instant now = Instant.parse("2026-06-10T10:07:00Z");

    assertThat(JobFold.fold(List.of(all)).row().state()).isEqualTo(JobState.CANCELLED);
    for (MonitorState state : everyBatching(observe(declared, earlierSuccess), all)) {
      assertThat(state.recentRuns())
          .containsExactly(
              new FinishedRun(
                  "job-0", 1, earlierSuccess.startedAt(), earlierSuccess.finishedAt(), true));
      assertThat(state.lastRunFailed()).isFalse();
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.UP);
    }
    // the monitor's first run: nothing is left to judge from, not even the withdrawn failure time
    for (MonitorState state : everyBatching(declared, all)) {
      assertThat(state.recentRuns()).isEmpty();
      assertThat(state.lastRunFailed()).isFalse();
      assertThat(state.lastFailureAt()).isNull();
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.UP);
    }
  }

  @Test
  @DisplayName(
      "Observations of a job's attempts, in any order and duplicated, leave its latest attempt")
  void attemptObservationsInAnyOrderLeaveTheLatestAttempt() {
    MonitorRun other =
        new MonitorRun(
            "job-0",
            1,
            Instant.parse("2026-06-10T09:00:00Z"),
            Instant.parse("2026-06-10T09:01:00Z"),
            false);
    List<MonitorRun> observations =
        List.of(
            new MonitorRun(JOB, 1, STARTED_AT, null, null),
            new MonitorRun(JOB, 1, null, FINISHED_AT, false),
            new MonitorRun(JOB, 1, STARTED_AT, FINISHED_AT, false),
            new MonitorRun(JOB, 2, null, null, null),
            new MonitorRun(JOB, 2, STARTED_2_AT, null, null),
            new MonitorRun(JOB, 2, null, FINISHED_2_AT, true),
            new MonitorRun(JOB, 2, STARTED_2_AT, FINISHED_2_AT, true));
    MonitorState declared = declared(MonitorRules.DEFAULT, null);
    MonitorState inOrder =
        observe(observe(declared, other), observations.toArray(MonitorRun[]::new));
    Random random = new Random(42);

    assertThat(inOrder.recentRuns())
        .containsExactly(
            new FinishedRun(JOB, 2, STARTED_2_AT, FINISHED_2_AT, true),
            new FinishedRun("job-0", 1, other.startedAt(), other.finishedAt(), false));
    assertThat(inOrder.openRuns()).isEmpty();
    assertThat(MonitorEvaluator.consecutiveFailures(inOrder)).isZero();
    for (int shuffle = 0; shuffle < 200; shuffle++) {
      List<MonitorRun> replayed = new ArrayList<>(observations);
      replayed.add(other);
      replayed.add(observations.get(random.nextInt(observations.size())));
      replayed.add(observations.get(random.nextInt(observations.size())));
      Collections.shuffle(replayed, random);
      MonitorState state = observe(declared, replayed.toArray(MonitorRun[]::new));

      assertThat(state.recentRuns()).isEqualTo(inOrder.recentRuns());
      assertThat(state.openRuns()).isEqualTo(inOrder.openRuns());
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
    }
    // an earlier attempt seen after a later one changes nothing at all
    MonitorState latestFirst =
        observe(declared, new MonitorRun(JOB, 2, STARTED_2_AT, FINISHED_2_AT, true));
    assertThat(observe(latestFirst, observations.subList(0, 3).toArray(MonitorRun[]::new)))
        .isEqualTo(latestFirst);
  }

  @Test
  @DisplayName(
      "A script killed by its cancel (CronJob Replace: the controller's cancel, then jobwatch run's"
          + " exit 143 in that second or later) is no failed run, wherever the batches fall")
  void cancelThatKilledTheScriptIsNoFailedRun() {
    for (Instant cancelAt : List.of(FINISHED_AT, FINISHED_AT.minusMillis(300))) {
      JobEvent cancelled =
          new JobEvent("e-cancelled", cancelAt, JOB, null, new JobChange.Cancelled("replaced"));
      Instant now = Instant.parse("2026-06-10T10:06:00Z");
      MonitorState oneBatch =
          observe(
              declared(MonitorRules.DEFAULT, null),
              runAfter(submitted(), started(STARTED_AT), finished(FINISHED_AT, 143), cancelled));

      assertThat(oneBatch.recentRuns()).isEmpty();
      for (MonitorState state :
          everyBatching(
              declared(MonitorRules.DEFAULT, null),
              submitted(),
              started(STARTED_AT),
              finished(FINISHED_AT, 143),
              cancelled)) {
        assertThat(state.recentRuns()).as("cancel at " + cancelAt).isEmpty();
        assertThat(state.openRuns()).isEmpty();
        assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
        assertThat(MonitorEvaluator.evaluate(state, now).status())
            .isEqualTo(MonitorEvaluator.evaluate(oneBatch, now).status());
      }
    }
  }

  private static JobEvent requeuedAt(Instant at, int attempt) {
    return new JobEvent(
        "e-requeued-" + attempt, at, JOB, null, new JobChange.Requeued(attempt, "cleared"));
  }

  /**
   * Known limit of earlier releases, fixed: an Airflow task cleared after it succeeded (or a GitHub
   * Actions "Re-run jobs") is {@code job.requeued} with the next attempt. The re-run superseded the
   * success, so a daily monitor read {@code down} while the re-run waited or ran (its base went
   * back to the day before). The success stands until the re-run has an outcome, whatever the
   * batching; then the re-run's outcome is the job's.
   */
  @Test
  @DisplayName(
      "A succeeded job re-run (requeued): up while the re-run is queued or running, whatever the"
          + " batching; the re-run's failure then makes it down, its success keeps it up")
  void rerunOfASucceededJobKeepsItsSuccessUntilTheRerunEnds() {
    Instant rerunAt = Instant.parse("2026-06-10T10:45:00Z");
    Instant rerunStart = rerunAt.plusSeconds(30);
    Instant rerunEnd = rerunAt.plusSeconds(300);
    JobEvent started2 =
        new JobEvent(
            "e-started-2", rerunStart, JOB, null, new JobChange.Started("cron", 2, "h", null));
    JobEvent failed2 =
        new JobEvent("e-finished-2", rerunEnd, JOB, null, new JobChange.Finished(2, 1));
    JobEvent succeeded2 =
        new JobEvent("e-finished-2", rerunEnd, JOB, null, new JobChange.Finished(2, 0));
    MonitorState declared =
        declared(Instant.parse("2026-06-10T09:30:00Z"), MonitorRules.DEFAULT, null);
    FinishedRun success = new FinishedRun(JOB, 1, STARTED_AT, FINISHED_AT, true);
    // Judged when the deadline after the declaration (10:30 + 10 minutes) has passed, but not the
    // one after the success (11:05 + 10 minutes).
    Instant now = Instant.parse("2026-06-10T10:50:00Z");

    JobEvent[] queued = {
      submitted(), started(STARTED_AT), finished(FINISHED_AT, 0), requeuedAt(rerunAt, 2)
    };
    JobEvent[] running = Arrays.copyOf(queued, 5);
    running[4] = started2;
    for (JobEvent[] events : List.of(queued, running)) {
      for (MonitorState state : everyBatching(declared, events)) {
        assertThat(state.recentRuns()).containsExactly(success);
        assertThat(state.lastRunFailed()).isFalse();
        assertThat(state.isRunning()).isEqualTo(events == running);
        assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.UP);
        assertThat(MonitorEvaluator.evaluate(state, now).expectedAt())
            .isEqualTo(Instant.parse("2026-06-10T11:05:00Z"));
      }
    }
    JobEvent[] thenFailed = Arrays.copyOf(running, 6);
    thenFailed[5] = failed2;
    for (MonitorState state : everyBatching(declared, thenFailed)) {
      assertThat(state.recentRuns())
          .containsExactly(new FinishedRun(JOB, 2, rerunStart, rerunEnd, false));
      assertThat(state.lastRunFailed()).isTrue();
      assertThat(MonitorEvaluator.evaluate(state, now.plusSeconds(60)).status())
          .isEqualTo(MonitorStatus.DOWN);
    }
    JobEvent[] thenSucceeded = Arrays.copyOf(running, 6);
    thenSucceeded[5] = succeeded2;
    for (MonitorState state : everyBatching(declared, thenSucceeded)) {
      assertThat(state.recentRuns())
          .containsExactly(new FinishedRun(JOB, 2, rerunStart, rerunEnd, true));
      assertThat(MonitorEvaluator.evaluate(state, now.plusSeconds(60)).status())
          .isEqualTo(MonitorStatus.UP);
    }
  }

  @Test
  @DisplayName(
      "The success that stands for a re-run job is its latest finished attempt's: a re-run"
          + " cancelled or requeued before it ended leaves it; a failed one after it does not")
  void priorSuccessIsTheLatestFinishedAttempt() {
    Instant rerunAt = Instant.parse("2026-06-10T10:45:00Z");
    JobEvent[] succeeded = {submitted(), started(STARTED_AT), finished(FINISHED_AT, 0)};
    JobEvent cancelled2 =
        new JobEvent(
            "e-cancelled", rerunAt.plusSeconds(10), JOB, null, new JobChange.Cancelled("manual"));
    JobEvent started2 =
        new JobEvent(
            "e-started-2",
            rerunAt.plusSeconds(5),
            JOB,
            null,
            new JobChange.Started("cron", 2, "h", null));
    JobEvent failed2 =
        new JobEvent(
            "e-finished-2", rerunAt.plusSeconds(60), JOB, null, new JobChange.Finished(2, 1));
    FinishedRun success = new FinishedRun(JOB, 1, STARTED_AT, FINISHED_AT, true);
    MonitorState declared =
        declared(Instant.parse("2026-06-10T09:30:00Z"), MonitorRules.DEFAULT, null);

    // re-run cancelled: no outcome, the success stands (and nothing is running)
    JobEvent[] cancelledRerun = {
      succeeded[0], succeeded[1], succeeded[2], requeuedAt(rerunAt, 2), started2, cancelled2
    };
    for (MonitorState state : everyBatching(declared, cancelledRerun)) {
      assertThat(state.recentRuns()).containsExactly(success);
      assertThat(state.isRunning()).isFalse();
    }
    // re-run requeued again before it ended: the success still stands
    JobEvent[] requeuedTwice = {
      succeeded[0],
      succeeded[1],
      succeeded[2],
      requeuedAt(rerunAt, 2),
      started2,
      requeuedAt(rerunAt.plusSeconds(30), 3)
    };
    for (MonitorState state : everyBatching(declared, requeuedTwice)) {
      assertThat(state.recentRuns()).containsExactly(success);
    }
    // re-run failed, then retried: the failure came after the success, so neither stands
    JobEvent[] failedThenRetried = {
      succeeded[0],
      succeeded[1],
      succeeded[2],
      requeuedAt(rerunAt, 2),
      started2,
      failed2,
      requeuedAt(rerunAt.plusSeconds(120), 3)
    };
    for (MonitorState state : everyBatching(declared, failedThenRetried)) {
      assertThat(state.recentRuns()).isEmpty();
      assertThat(state.lastRunFailed()).isFalse();
    }
    // the failure arriving last (after the retry's requeue) withdraws the success it follows
    JobEvent[] failureLast = {
      succeeded[0],
      succeeded[1],
      succeeded[2],
      requeuedAt(rerunAt, 2),
      started2,
      requeuedAt(rerunAt.plusSeconds(120), 3),
      failed2
    };
    for (MonitorState state : everyBatching(declared, failureLast)) {
      assertThat(state.recentRuns()).isEmpty();
    }
  }

  /**
   * With {@code min_runtime}, a success shorter than it counts as failed (docs/monitors.md, "Run
   * rules"), so re-running it is retrying a failed run: as for "attempt 1 failed, attempt 2
   * running", the monitor is not down by that run while the re-run waits or runs, whatever the
   * batching; if the re-run is cancelled, the short success is the job's outcome again.
   */
  @Test
  @DisplayName(
      "A re-run of a success shorter than min_runtime reads as a retry of a failed run: not down"
          + " while it is queued or running, down again if it is cancelled")
  void rerunOfATooShortSuccessIsARetryOfAFailedRun() {
    MonitorRules minRuntime = new MonitorRules(Duration.ofMinutes(5), null, 1, 1, null, null);
    Instant shortEnd = STARTED_AT.plusSeconds(2);
    Instant rerunAt = Instant.parse("2026-06-10T10:10:00Z");
    JobEvent started2 =
        new JobEvent(
            "e-started-2",
            rerunAt.plusSeconds(30),
            JOB,
            null,
            new JobChange.Started("cron", 2, "h", null));
    MonitorRun earlierSuccess =
        new MonitorRun(
            "job-0",
            1,
            Instant.parse("2026-06-10T09:00:00Z"),
            Instant.parse("2026-06-10T09:20:00Z"),
            true);
    MonitorState declared =
        observe(declared(Instant.parse("2026-06-10T08:00:00Z"), minRuntime, null), earlierSuccess);
    // expected 10:20 after the 09:20 success, deadline 10:30
    Instant now = Instant.parse("2026-06-10T10:12:00Z");

    JobEvent[] shortSuccess = {submitted(), started(STARTED_AT), finished(shortEnd, 0)};
    for (MonitorState state : everyBatching(declared, shortSuccess)) {
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.DOWN);
    }
    JobEvent[] queued = {
      submitted(), started(STARTED_AT), finished(shortEnd, 0), requeuedAt(rerunAt, 2)
    };
    JobEvent[] running = Arrays.copyOf(queued, 5);
    running[4] = started2;
    JobEvent[] failedThenRunning = running.clone();
    failedThenRunning[2] = finished(shortEnd, 1);
    MonitorState retryOfAFailure = everyBatching(declared, failedThenRunning).get(0);
    assertThat(MonitorEvaluator.evaluate(retryOfAFailure, now).status())
        .isEqualTo(MonitorStatus.UP);
    for (JobEvent[] events : List.of(queued, running)) {
      for (MonitorState state : everyBatching(declared, events)) {
        assertThat(MonitorEvaluator.consecutiveFailures(state)).isZero();
        MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, now);
        assertThat(evaluation.status()).isEqualTo(MonitorStatus.UP);
        assertThat(evaluation.deadline())
            .isEqualTo(MonitorEvaluator.evaluate(retryOfAFailure, now).deadline());
      }
    }
    JobEvent[] cancelled = Arrays.copyOf(running, 6);
    cancelled[5] =
        new JobEvent(
            "e-cancelled", rerunAt.plusSeconds(60), JOB, null, new JobChange.Cancelled("manual"));
    for (MonitorState state : everyBatching(declared, cancelled)) {
      assertThat(MonitorEvaluator.consecutiveFailures(state)).isEqualTo(1);
      assertThat(MonitorEvaluator.evaluate(state, now).status()).isEqualTo(MonitorStatus.DOWN);
    }
  }
}
