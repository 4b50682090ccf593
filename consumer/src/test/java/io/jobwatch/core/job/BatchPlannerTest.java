package io.jobwatch.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Events;
import io.jobwatch.core.JobEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The batch planner's routes and what they read, on plain lists of events (issue 11.3, 13.2). */
class BatchPlannerTest {

  private static JobEvent beat(int i) {
    return Events.activity("beat-" + i, 10 + i, 1, "beat " + i);
  }

  private static List<JobEvent> startedJob() {
    return List.of(Events.submitted("s", 0), Events.started("r", 1, 1));
  }

  @Test
  @DisplayName("Heartbeats in order fold onto the stored state: no stored event is read, no refold")
  void heartbeatsInOrderReadNothing() {
    PlannerModel model = new PlannerModel(100);
    model.deliver(startedJob());
    for (int i = 0; i < 1_000; i += 10) {
      List<JobEvent> batch = new ArrayList<>();
      for (int j = i; j < i + 10; j++) {
        batch.add(beat(j));
      }
      model.deliver(batch);
    }
    assertThat(model.storedEventsRead()).isZero();
    assertThat(model.refolds(BatchPlanner.Refold.SNAPSHOT)).isZero();
    assertThat(model.refolds(BatchPlanner.Refold.START)).isZero();
    assertThat(model.row(Events.JOB).runtime().activity()).isEqualTo("beat 999");
    assertThat(model.state(Events.JOB).position().folded()).isEqualTo(1_002);
  }

  @Test
  @DisplayName(
      "A late heartbeat refolds from the latest snapshot before it and reads only what follows it")
  void lateHeartbeatRefoldsFromTheSnapshot() {
    PlannerModel model = new PlannerModel(100);
    model.deliver(startedJob());
    for (int i = 0; i < 1_000; i++) {
      if (i != 950) {
        model.deliver(List.of(beat(i)));
      }
    }
    model.deliver(List.of(beat(950)));

    assertThat(model.refolds(BatchPlanner.Refold.SNAPSHOT)).isEqualTo(1);
    assertThat(model.refolds(BatchPlanner.Refold.START)).isZero();
    // The snapshot after 900 events (beat 897) is the latest before beat 950.
    assertThat(model.storedEventsRead()).isBetween(49L, 110L);
    assertThat(model.row(Events.JOB).runtime().activity()).isEqualTo("beat 999");
    assertThat(model.state(Events.JOB)).isEqualTo(JobFold.foldAll(Events.JOB, all(1_000)).state());
  }

  @Test
  @DisplayName(
      "A requeue timed before a stored cancellation moves it to the new attempt: a full refold,"
          + " counted, with the stored outcomes it flips")
  void attemptThatMovesStoredEventsRefoldsFromTheStart() {
    PlannerModel model = new PlannerModel(100);
    JobEvent cancelled =
        new JobEvent("c", Events.t(20), Events.JOB, null, new JobChange.Cancelled("stop"));
    model.deliver(List.of(Events.submitted("s", 0), Events.started("r1", 1, 1)));
    model.deliver(List.of(Events.finished("f1", 10, 1, 1)));
    model.deliver(List.of(cancelled));
    assertThat(model.ignored(Events.JOB)).isEqualTo(Set.of("c"));

    model.deliver(
        List.of(
            new JobEvent("rq", Events.t(15), Events.JOB, null, new JobChange.Requeued(2, null))));

    assertThat(model.refolds(BatchPlanner.Refold.START)).isEqualTo(1);
    assertThat(model.row(Events.JOB).state()).isEqualTo(JobState.CANCELLED);
    assertThat(model.row(Events.JOB).attempt()).isEqualTo(2);
    assertThat(model.ignored(Events.JOB)).as("the cancellation now applies").isEmpty();
  }

  @Test
  @DisplayName(
      "A started{2} of the instant of a stored requeue{2} and cancel moves the cancel to attempt 2:"
          + " a full refold, which agrees with folding everything at once")
  void startOfARestartsInstantMovesTheStoredCancel() {
    PlannerModel model = new PlannerModel(100);
    List<JobEvent> stored =
        List.of(
            Events.submitted("s", 0),
            Events.started("r1", 1, 1),
            Events.cancelled("c", 5),
            Events.requeued("rq", 5, 2));
    model.deliver(stored);
    assertThat(model.row(Events.JOB).state()).as("restarted").isEqualTo(JobState.QUEUED);
    JobEvent started = Events.started("r2", 5, 2);

    assertThat(BatchPlanner.route(model.state(Events.JOB), List.of(started)))
        .isEqualTo(BatchPlanner.Route.HISTORY);
    model.deliver(List.of(started));

    List<JobEvent> all = new ArrayList<>(stored);
    all.add(started);
    JobFold.Result whole = JobFold.fold(all);
    assertThat(model.row(Events.JOB)).isEqualTo(whole.row());
    assertThat(model.row(Events.JOB).state()).isEqualTo(JobState.CANCELLED);
    assertThat(model.ignored(Events.JOB)).isEqualTo(whole.ignoredEventIds());
  }

  @Test
  @DisplayName("Duplicates within the batch and of stored events are not new")
  void firstNewSkipsDuplicates() {
    List<JobEvent> arrived = List.of(beat(1), beat(2), beat(1), beat(3));
    assertThat(BatchPlanner.firstNew(arrived, Set.of("beat-3"))).isEqualTo(Set.of(0, 1));
  }

  @Test
  @DisplayName("A job without a stored state is folded from its whole history, then has one")
  void missingStateFoldsTheHistory() {
    JobEvent next = beat(1);
    BatchPlanner.Plan plan =
        new BatchPlanner()
            .plan(
                List.of(
                    new BatchPlanner.JobInput(
                        Events.JOB,
                        null,
                        List.of(next),
                        BatchPlanner.Tail.WHOLE_HISTORY,
                        List.of(
                            new BatchPlanner.Stored(startedJob().get(0), false),
                            new BatchPlanner.Stored(startedJob().get(1), false),
                            new BatchPlanner.Stored(beat(0), false)),
                        false)));
    assertThat(plan.refolds()).isEqualTo(Map.of(BatchPlanner.Refold.START, 1));
    assertThat(plan.states()).hasSize(1);
    assertThat(plan.states().get(0).position().folded()).isEqualTo(4);
    assertThat(plan.rows().get(0).runtime().activity()).isEqualTo("beat 1");
    assertThat(plan.evidence()).as("evidence of the stored history is not added again").isEmpty();
  }

  private static List<JobEvent> all(int beats) {
    List<JobEvent> events = new ArrayList<>(startedJob());
    for (int i = 0; i < beats; i++) {
      events.add(beat(i));
    }
    return events;
  }
}
