package io.jobwatch.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Events;
import io.jobwatch.core.JobEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The brief's runtime status rules against the real fold, on histories full of status reports: only
 * reports the job takes while it runs count (which ones is {@link ReferenceJobFold}'s rule table,
 * compared with the fold elsewhere); of those, in fold order, the first error is kept, later ones
 * counted and the first {@link RuntimeStatus#MAX_ERROR_DETAILS} listed, the latest warning,
 * activity and progress win (an empty or blank message is none), a requeue that applies clears all
 * of it, and a job is reusable when it succeeded or runs without an error. Shuffled and duplicated
 * delivery changes nothing.
 */
@Label("Runtime status against the brief")
class RuntimeStatusProperties {

  /** The brief's lifecycle order within one instant, as the reference fold has it. */
  private static final List<String> TYPE_ORDER = ReferenceJobFold.TYPE_ORDER;

  /** What the brief says the row shows of the runtime status. */
  private record Expected(
      String error,
      int additional,
      List<String> details,
      String warning,
      String activity,
      JobChange.Progress progress,
      boolean reusable) {}

  private static Expected reference(List<JobEvent> events) {
    ReferenceJobFold.Outcome outcome = ReferenceJobFold.fold(events);
    Set<String> ignored = outcome.ignored();
    Map<String, JobEvent> unique = new LinkedHashMap<>();
    events.forEach(event -> unique.putIfAbsent(event.id(), event));
    List<JobEvent> sorted = new ArrayList<>(unique.values());
    sorted.sort(
        Comparator.<JobEvent>comparingInt(
                event -> ReferenceJobFold.attemptOf(event, unique.values()))
            .thenComparingInt(event -> event.change() instanceof JobChange.Requeued ? 0 : 1)
            .thenComparing(JobEvent::time)
            .thenComparingInt(event -> TYPE_ORDER.indexOf(event.type()))
            .thenComparing(JobEvent::id));
    List<JobChange.Status> taken = new ArrayList<>();
    for (JobEvent event : sorted) {
      if (ignored.contains(event.id())) {
        continue;
      }
      if (event.change() instanceof JobChange.Requeued) {
        taken.clear();
      } else if (event.change() instanceof JobChange.Status status) {
        taken.add(status);
      }
    }
    String error = null;
    List<String> later = new ArrayList<>();
    String warning = null;
    String activity = null;
    JobChange.Progress progress = null;
    for (JobChange.Status status : taken) {
      if (message(status.error())) {
        if (error == null) {
          error = status.error();
        } else {
          later.add(status.error());
        }
      }
      warning = message(status.warning()) ? status.warning() : warning;
      activity = message(status.activity()) ? status.activity() : activity;
      progress = status.progress() != null ? status.progress() : progress;
    }
    boolean reusable =
        outcome.state() == JobState.SUCCEEDED
            || (outcome.state() == JobState.RUNNING && error == null);
    return new Expected(
        error,
        later.size(),
        later.subList(0, Math.min(later.size(), RuntimeStatus.MAX_ERROR_DETAILS)),
        warning,
        activity,
        progress,
        reusable);
  }

  /** An empty or blank field is no message (publishers that always send the field). */
  private static boolean message(String text) {
    return text != null && !text.isBlank();
  }

  @Property(tries = 1000)
  @Label("Shuffled and duplicated, a job's status reports fold to what the brief says")
  void runtimeStatusFollowsTheBrief(
      @ForAll("statusHeavyHistories") List<JobEvent> events, @ForAll Random random) {
    List<JobEvent> delivered = new ArrayList<>(events);
    for (JobEvent event : events) {
      if (random.nextInt(4) == 0) {
        delivered.add(event);
      }
    }
    Collections.shuffle(delivered, random);

    Expected expected = reference(events);
    JobRow row = JobFold.fold(delivered).row();
    RuntimeStatus runtime = row.runtime();

    assertThat(runtime.error()).as("first error").isEqualTo(expected.error());
    assertThat(runtime.additionalErrors()).as("additional errors").isEqualTo(expected.additional());
    assertThat(runtime.errorDetails()).as("error details").isEqualTo(expected.details());
    assertThat(runtime.warning()).as("warning").isEqualTo(expected.warning());
    assertThat(runtime.activity()).as("activity").isEqualTo(expected.activity());
    assertThat(runtime.progress()).as("progress").isEqualTo(expected.progress());
    assertThat(row.reusable()).as("reusable").isEqualTo(expected.reusable());
  }

  @Property(tries = 500)
  @Label(
      "Folded incrementally (batches, stored states, snapshots, redeliveries), the runtime status"
          + " is still what the brief says")
  void incrementalRuntimeStatusFollowsTheBrief(
      @ForAll("statusHeavyHistories") List<JobEvent> events, @ForAll Random random) {
    List<JobEvent> delivered = new ArrayList<>(events);
    Collections.shuffle(delivered, random);
    PlannerModel model = new PlannerModel(1 + random.nextInt(3));
    int from = 0;
    while (from < delivered.size()) {
      int to = Math.min(delivered.size(), from + 1 + random.nextInt(4));
      List<JobEvent> batch = new ArrayList<>(delivered.subList(from, to));
      if (random.nextInt(4) == 0) {
        batch.add(delivered.get(random.nextInt(to)));
      }
      model.deliver(batch);
      from = to;
    }

    Expected expected = reference(events);
    JobRow row = model.row(Events.JOB);
    RuntimeStatus runtime = row.runtime();

    assertThat(runtime.error()).as("first error").isEqualTo(expected.error());
    assertThat(runtime.additionalErrors()).as("additional errors").isEqualTo(expected.additional());
    assertThat(runtime.errorDetails()).as("error details").isEqualTo(expected.details());
    assertThat(runtime.warning()).as("warning").isEqualTo(expected.warning());
    assertThat(runtime.activity()).as("activity").isEqualTo(expected.activity());
    assertThat(runtime.progress()).as("progress").isEqualTo(expected.progress());
    assertThat(row.reusable()).as("reusable").isEqualTo(expected.reusable());
  }

  /**
   * A submission, a start of attempt 1 and up to 40 further events, most of them status reports of
   * attempts 1 and 2 (errors often, so the bounded list overflows), at times 0 to 12 s so that ties
   * with the start, the end and a requeue are common.
   */
  @Provide
  Arbitrary<List<JobEvent>> statusHeavyHistories() {
    Arbitrary<Integer> attempt =
        Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(1)), Tuple.of(1, Arbitraries.just(2)));
    Arbitrary<String> error = Arbitraries.of("disk full", "mirror slow", "e1", "e2", "e3", "");
    Arbitrary<String> message =
        Arbitraries.of("indexing", "merging", "low disk", "", " ").injectNull(0.5);
    Arbitrary<JobChange.Progress> progress =
        Combinators.combine(
                Arbitraries.longs().between(0, 9).injectNull(0.3),
                Arbitraries.longs().between(0, 9).injectNull(0.3),
                Arbitraries.longs().between(0, 9).injectNull(0.3))
            .as(JobChange.Progress::new)
            .injectNull(0.6);
    Arbitrary<JobChange> status =
        Combinators.combine(attempt, error.injectNull(0.4), message, message, progress)
            .as(JobChange.Status::new);
    Arbitrary<JobChange> lifecycle =
        Arbitraries.oneOf(
            attempt.map(a -> (JobChange) new JobChange.Started("slurm", a, "node-1", null)),
            Combinators.combine(attempt, Arbitraries.of(0, 1, 137))
                .as((a, code) -> (JobChange) new JobChange.Finished(a, code)),
            Arbitraries.just(new JobChange.Cancelled("withdrawn")),
            Arbitraries.integers().between(2, 3).map(a -> new JobChange.Requeued(a, null)));
    Arbitrary<JobChange> change =
        Arbitraries.frequencyOf(Tuple.of(8, status), Tuple.of(1, lifecycle));
    Arbitrary<Integer> seconds = Arbitraries.integers().between(0, 12);
    return Combinators.combine(change, seconds)
        .as((c, s) -> new JobEvent("x", Events.t(s), Events.JOB, null, c))
        .list()
        .ofMaxSize(40)
        .map(
            others -> {
              List<JobEvent> events = new ArrayList<>();
              events.add(Events.submitted("e0", 0));
              events.add(Events.started("e1", 1, 1));
              for (int i = 0; i < others.size(); i++) {
                JobEvent other = others.get(i);
                events.add(
                    new JobEvent("e" + (i + 2), other.time(), other.jobId(), null, other.change()));
              }
              return events;
            });
  }
}
