package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.core.monitor.FinishedRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Fold states survive their jsonb column unchanged. */
class FoldStateJsonTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00.123456789Z");

  private static JobEvent event(String id, int seconds, JobChange change) {
    return new JobEvent(id, T.plusSeconds(seconds), "job", seconds == 0 ? "svc" : null, change);
  }

  @Test
  @DisplayName("A fold state with attempts, crashes, evidence, labels and runtime reads back equal")
  void roundTrip() {
    List<JobEvent> events =
        List.of(
            event(
                "s",
                0,
                new JobChange.Submitted(
                    "slurm",
                    "nightly",
                    List.of(new JobChange.Dependency("other", null)),
                    "{\"cron\":\"0 1 * * *\"}",
                    Map.of("team", "data"))),
            event("q", 1, new JobChange.Queued("slurm", null)),
            event("r1", 2, new JobChange.Started("slurm", 1, "node-1", null)),
            event(
                "st",
                3,
                new JobChange.Status(
                    1, "disk full", "slow", "copying", new JobChange.Progress(3L, null, 1L))),
            event("f1", 4, new JobChange.Finished(1, 137)),
            event("c1", 5, new JobChange.Crashed(1, Blame.PLATFORM, "oom", "killed", false)),
            event("rq", 6, new JobChange.Requeued(2, "retry")),
            event("w", 7, new JobChange.Waiting("locks")),
            event("r2", 8, new JobChange.Started("slurm", 2, "node-2", null)));
    JobFoldState state = JobFold.foldAll("job", events).state();

    String json = Json.write(state);

    assertThat(Json.read(json, JobFoldState.class)).isEqualTo(state);
    assertThat(state.memory().crashes()).containsKey(1);
    assertThat(state.position().timeline().steps()).hasSize(1);
  }

  @Test
  @DisplayName(
      "A running job's runtime status (errors beyond the first, warning, activity, progress and"
          + " their times) reads back equal, so an incremental fold goes on from all of it")
  void runtimeStatusRoundTrip() {
    List<JobEvent> events = new java.util.ArrayList<>();
    events.add(event("s", 0, new JobChange.Submitted("slurm", null, List.of(), null, Map.of())));
    events.add(event("r1", 1, new JobChange.Started("slurm", 1, "node-1", null)));
    for (int i = 0; i < 13; i++) {
      events.add(
          event(
              "st" + i,
              2 + i,
              new JobChange.Status(
                  1,
                  "error " + i,
                  i % 2 == 0 ? "warning " + i : null,
                  i % 3 == 0 ? "activity " + i : null,
                  i % 4 == 0 ? new JobChange.Progress((long) i, null, 0L) : null)));
    }
    JobFoldState state = JobFold.foldAll("job", events).state();
    assertThat(state.memory().runtime().additionalErrors()).isEqualTo(12);

    JobFoldState read = Json.read(Json.write(state), JobFoldState.class);

    assertThat(read).isEqualTo(state);
    assertThat(read.memory().runtime()).isEqualTo(state.memory().runtime());
  }

  @Test
  @DisplayName("A fold state stored before timeline steps had byRequeue reads it as false")
  void stateStoredWithoutByRequeueReadsBack() {
    List<JobEvent> events =
        List.of(
            event("s", 0, new JobChange.Submitted("slurm", null, List.of(), null, Map.of())),
            event("r1", 1, new JobChange.Started("slurm", 1, null, null)),
            event("rq", 2, new JobChange.Requeued(2, null)),
            event("r2", 3, new JobChange.Started("slurm", 2, null, null)));
    JobFoldState state = JobFold.foldAll("job", events).state();
    String json = Json.write(state);
    assertThat(json).contains("\"byRequeue\":true");

    // As stored before the field existed: read as false, the rule those states were folded by.
    JobFoldState before = Json.read(json.replace(",\"byRequeue\":true", ""), JobFoldState.class);

    assertThat(before.position().timeline().steps())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.attempt()).isEqualTo(2);
              assertThat(step.from()).isEqualTo(T.plusSeconds(2));
              assertThat(step.byRequeue()).isFalse();
            });
    assertThat(before.memory()).isEqualTo(state.memory());
  }

  @Test
  @DisplayName(
      "A re-run job's prior success reads back equal; a state stored before the field reads none")
  void priorSuccessRoundTrip() {
    List<JobEvent> events =
        List.of(
            event("s", 0, new JobChange.Submitted("cron", "nightly", List.of(), null, Map.of())),
            event("r1", 1, new JobChange.Started("cron", 1, null, null)),
            event("f1", 2, new JobChange.Finished(1, 0)),
            event("rq", 3, new JobChange.Requeued(2, "cleared")));
    JobFoldState state = JobFold.foldAll("job", events).state();
    assertThat(state.memory().priorSuccess())
        .isEqualTo(new JobFoldState.PriorSuccess(1, T.plusSeconds(1), T.plusSeconds(2)));
    String json = Json.write(state);

    assertThat(Json.read(json, JobFoldState.class)).isEqualTo(state);
    String withoutField = json.replaceAll(",?\"priorSuccess\":\\{[^}]*\\}", "");
    assertThat(withoutField).isNotEqualTo(json).doesNotContain("priorSuccess");
    assertThat(Json.read(withoutField, JobFoldState.class).memory().priorSuccess()).isNull();
  }

  /**
   * README "Upgrade": an older version runs on a database a newer one wrote (a rollback of the jar,
   * the old half of a rolling upgrade). Fold states and monitor runs gain fields between versions
   * (priorSuccess, evidenceFloor, latestAppliedAttempt, all on 2026-12-05), and a reader that
   * refused a field it does not know failed the batch of every job a newer instance had folded.
   */
  @Test
  @DisplayName(
      "A fold state and monitor runs written by a newer version, with fields this one does not"
          + " know, read as what this version knows")
  void fieldsOfANewerVersionAreIgnored() {
    JobFoldState state =
        JobFold.foldAll(
                "job",
                List.of(
                    event(
                        "s",
                        0,
                        new JobChange.Submitted("cron", "nightly", List.of(), null, Map.of())),
                    event("r1", 1, new JobChange.Started("cron", 1, null, null))))
            .state();
    String json = Json.write(state);
    String newer =
        json.replaceFirst("\\{", "{\"addedLater\":{\"attempt\":3},")
            .replace("\"memory\":{", "\"memory\":{\"alsoAddedLater\":[1,2],");

    assertThat(newer).contains("addedLater").contains("alsoAddedLater");
    assertThat(Json.read(newer, JobFoldState.class)).isEqualTo(state);
    FinishedRun run = new FinishedRun("job", 1, T, T.plusSeconds(60), true);
    String runs = Json.write(List.of(run)).replace("{", "{\"heldFor\":2,");
    assertThat(Json.read(runs, FinishedRun[].class)).containsExactly(run);
  }
}
