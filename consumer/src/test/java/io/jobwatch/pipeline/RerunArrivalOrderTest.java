package io.jobwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.job.BatchPlanner;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobRow;
import io.jobwatch.core.job.PlannerModel;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorRules;
import io.jobwatch.core.monitor.MonitorRun;
import io.jobwatch.core.monitor.MonitorState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A re-run of a succeeded monitored job through the batch planner (incremental folds, refolds from
 * a snapshot or from the whole history) reads the same on its monitor whatever the order of
 * arrival, the duplicates and the batch boundaries (docs/monitors.md, "Runs").
 */
class RerunArrivalOrderTest {
  private static final String MONITOR = "nightly-export";
  private static final String JOB = "job-1";
  private static final Instant T = Instant.parse("2026-06-10T10:00:00Z");

  private static Instant at(int seconds) {
    return T.plusSeconds(seconds);
  }

  private static JobEvent event(String id, int seconds, JobChange change) {
    return new JobEvent(id, at(seconds), JOB, "cron", change);
  }

  private static JobEvent submitted() {
    return event("s", 0, new JobChange.Submitted("cron", MONITOR, null, null, null));
  }

  private static JobEvent started(int attempt, int seconds) {
    return event("st" + attempt, seconds, new JobChange.Started("cron", attempt, "h", null));
  }

  private static JobEvent finished(int attempt, int seconds, int exitCode) {
    return event("f" + attempt, seconds, new JobChange.Finished(attempt, exitCode));
  }

  private static JobEvent requeued(int attempt, int seconds) {
    return event("rq" + attempt, seconds, new JobChange.Requeued(attempt, "cleared"));
  }

  private static JobEvent cancelled(int seconds) {
    return event("c", seconds, new JobChange.Cancelled("manual"));
  }

  private static MonitorState declared() {
    MonitorState state =
        MonitorFold.apply(
            null,
            new MonitorEvent(
                "d",
                T.minusSeconds(7_200),
                MONITOR,
                new MonitorChange.Declared(
                    "data",
                    new MonitorChange.Schedule.Every(Duration.ofHours(1)),
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(30),
                    MonitorRules.DEFAULT)));
    // an earlier run of the script, an hour and a half before
    return MonitorFold.observeRun(
        state,
        MONITOR,
        new MonitorRun("job-0", 1, T.minusSeconds(5_400), T.minusSeconds(5_300), true));
  }

  /** The monitor after the monitors step observes {@code plan}'s rows, as MonitorsWriter does. */
  private static MonitorState observe(MonitorState state, BatchPlanner.Plan plan) {
    for (JobRow row : plan.rows()) {
      MonitorRun run = MonitorsWriter.runOf(row);
      if (row.monitor() != null && run != null) {
        state =
            MonitorFold.observeRun(
                state,
                MONITOR,
                run,
                MonitorsWriter.priorSuccessOf(row, plan.priorSuccesses().get(row.jobId())));
      }
    }
    return state;
  }

  private static void assertSameWhateverTheArrival(List<JobEvent> events) {
    PlannerModel once = new PlannerModel(1_000);
    MonitorState expected = observe(declared(), once.deliver(events));
    Random random = new Random(7);
    for (int trial = 0; trial < 400; trial++) {
      List<JobEvent> arrival = new ArrayList<>(events);
      for (int dup = random.nextInt(3); dup > 0; dup--) {
        arrival.add(events.get(random.nextInt(events.size())));
      }
      Collections.shuffle(arrival, random);
      int snapshotEvery = List.of(1, 2, 3, 1_000).get(random.nextInt(4));
      PlannerModel model = new PlannerModel(snapshotEvery);
      MonitorState state = declared();
      int from = 0;
      while (from < arrival.size()) {
        int to = from + 1 + random.nextInt(arrival.size() - from);
        state = observe(state, model.deliver(arrival.subList(from, to)));
        from = to;
      }
      String as =
          "arrival "
              + arrival.stream().map(JobEvent::id).toList()
              + " snapshots every "
              + snapshotEvery;
      assertThat(model.row(JOB)).as(as).isEqualTo(once.row(JOB));
      assertThat(state.recentRuns()).as(as).isEqualTo(expected.recentRuns());
      assertThat(state.openRuns()).as(as).isEqualTo(expected.openRuns());
      assertThat(state.isRunning()).as(as).isEqualTo(expected.isRunning());
      for (int minutes : List.of(5, 20, 50, 70, 80, 200)) {
        Instant now = T.plusSeconds(60L * minutes);
        assertThat(MonitorEvaluator.evaluate(state, now).status())
            .as(as + " at +" + minutes + "m")
            .isEqualTo(MonitorEvaluator.evaluate(expected, now).status());
      }
    }
  }

  @Test
  @DisplayName("Succeeded, re-run queued, running, failed, succeeded: one reading, any arrival")
  void rerunAfterSuccess() {
    List<JobEvent> base =
        List.of(submitted(), started(1, 1), finished(1, 300, 0), requeued(2, 1_800));
    assertSameWhateverTheArrival(base);
    List<JobEvent> running = new ArrayList<>(base);
    running.add(started(2, 1_830));
    assertSameWhateverTheArrival(running);
    for (int exitCode : List.of(0, 1, 143)) {
      List<JobEvent> ended = new ArrayList<>(running);
      ended.add(finished(2, 2_100, exitCode));
      assertSameWhateverTheArrival(ended);
    }
    List<JobEvent> cancelledRerun = new ArrayList<>(running);
    cancelledRerun.add(cancelled(2_000));
    assertSameWhateverTheArrival(cancelledRerun);
  }

  @Test
  @DisplayName("Requeue timed before attempt 1's finish (skewed clock), and 1 -> 5: any arrival")
  void skewedRequeueAndHighAttempt() {
    assertSameWhateverTheArrival(
        List.of(
            submitted(), started(1, 1), finished(1, 300, 0), requeued(2, 290), started(2, 295)));
    assertSameWhateverTheArrival(
        List.of(
            submitted(),
            started(1, 1),
            finished(1, 300, 0),
            requeued(5, 1_800),
            started(5, 1_900)));
  }

  @Test
  @DisplayName(
      "A cancel after the success that a requeue timed before it moves to the re-run: any arrival")
  void cancelMovedToTheRerun() {
    assertSameWhateverTheArrival(
        List.of(submitted(), started(1, 1), finished(1, 300, 0), cancelled(400), requeued(2, 350)));
    assertSameWhateverTheArrival(
        List.of(
            submitted(),
            started(1, 1),
            finished(1, 300, 0),
            cancelled(400),
            requeued(2, 350),
            started(2, 360)));
  }

  @Test
  @DisplayName("Re-run twice: succeeded, re-run succeeded, re-run again; or failed then retried")
  void rerunTwice() {
    assertSameWhateverTheArrival(
        List.of(
            submitted(),
            started(1, 1),
            finished(1, 300, 0),
            requeued(2, 1_800),
            started(2, 1_830),
            finished(2, 2_000, 0),
            requeued(3, 2_400),
            started(3, 2_430)));
    assertSameWhateverTheArrival(
        List.of(
            submitted(),
            started(1, 1),
            finished(1, 300, 0),
            requeued(2, 1_800),
            started(2, 1_830),
            finished(2, 2_000, 1),
            requeued(3, 2_400),
            started(3, 2_430)));
    assertSameWhateverTheArrival(
        List.of(
            submitted(),
            started(1, 1),
            finished(1, 300, 0),
            requeued(2, 1_800),
            requeued(3, 2_400),
            started(3, 2_430)));
  }
}
