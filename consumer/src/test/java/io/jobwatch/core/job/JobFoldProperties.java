package io.jobwatch.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Events;
import io.jobwatch.core.JobEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/** The laws of the job fold: the row depends on the set of events only. */
@Label("Job fold laws")
class JobFoldProperties {

  @Property(tries = 500)
  @Label("Any permutation of a job's events folds to the same row, ignored set and evidence")
  void permutationDoesNotMatter(
      @ForAll("jobHistories") List<JobEvent> events, @ForAll Random random) {
    List<JobEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, random);

    JobFold.Result original = JobFold.fold(events);
    JobFold.Result permuted = JobFold.fold(shuffled);

    Statistics.label("state").collect(original.row().state());
    Statistics.label("some ignored").collect(!original.ignoredEventIds().isEmpty());
    assertThat(permuted.row()).isEqualTo(original.row());
    assertThat(permuted.ignoredEventIds()).isEqualTo(original.ignoredEventIds());
    assertThat(permuted.stageEvidence()).isEqualTo(original.stageEvidence());
  }

  @Property(tries = 500)
  @Label("Duplicating any subset of a job's events (same id) changes nothing")
  void duplicationDoesNotMatter(
      @ForAll("jobHistories") List<JobEvent> events, @ForAll Random random) {
    List<JobEvent> withDuplicates = new ArrayList<>(events);
    for (JobEvent event : events) {
      if (random.nextBoolean()) {
        withDuplicates.add(
            new JobEvent(event.id(), event.time(), event.jobId(), event.service(), event.change()));
      }
    }
    Collections.shuffle(withDuplicates, random);

    JobFold.Result original = JobFold.fold(events);
    JobFold.Result duplicated = JobFold.fold(withDuplicates);

    assertThat(duplicated.row()).isEqualTo(original.row());
    assertThat(duplicated.ignoredEventIds()).isEqualTo(original.ignoredEventIds());
    assertThat(duplicated.stageEvidence()).isEqualTo(original.stageEvidence());
  }

  /**
   * One job's history: always a submission, then up to 14 further events of any type for attempts 1
   * to 3, at times 0 to 20 s so that identical times are common, some a few milliseconds off (a
   * runner's clock against the scheduler's) and one in ten far in the future (a wrong clock). Ids
   * are unique.
   */
  @Provide
  Arbitrary<List<JobEvent>> jobHistories() {
    List<Arbitrary<? extends JobChange>> kinds = changes();
    // Weights of queued, waiting, started, status, finished, crashed, cancelled, requeued, so that
    // histories often get somewhere before they end.
    int[] weights = {3, 1, 4, 4, 3, 1, 1, 2};
    List<Arbitrary<? extends JobChange>> weighted = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      weighted.addAll(Collections.nCopies(weights[i], kinds.get(i)));
    }
    Arbitrary<JobChange> change = Arbitraries.oneOf(weighted);
    Arbitrary<Integer> seconds = Arbitraries.integers().between(0, 20);
    Arbitrary<java.time.Instant> time =
        Arbitraries.frequencyOf(
            Tuple.of(
                9,
                Combinators.combine(seconds, Arbitraries.of(0, 0, 1, 50))
                    .as((s, millis) -> Events.t(s).minusMillis(millis))),
            Tuple.of(1, Arbitraries.of(Events.t(3_600), Events.t(400L * 86_400))));
    Arbitrary<List<JobEvent>> rest =
        Combinators.combine(change, time)
            .as((c, at) -> new JobEvent("x", at, Events.JOB, null, c))
            .list()
            .ofMinSize(2)
            .ofMaxSize(14);
    return Combinators.combine(seconds, rest)
        .as(
            (submittedAt, others) -> {
              List<JobEvent> events = new ArrayList<>();
              events.add(Events.submitted("e0", submittedAt));
              for (int i = 0; i < others.size(); i++) {
                JobEvent other = others.get(i);
                events.add(
                    new JobEvent("e" + (i + 1), other.time(), other.jobId(), null, other.change()));
              }
              return events;
            });
  }

  private static List<Arbitrary<? extends JobChange>> changes() {
    // Most events belong to the first attempt, so that histories get somewhere before a requeue.
    Arbitrary<Integer> attempt =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(1)),
            Tuple.of(2, Arbitraries.just(2)),
            Tuple.of(1, Arbitraries.just(3)));
    Arbitrary<String> message = Arbitraries.of("disk full", "mirror slow", "indexing");
    Arbitrary<String> maybeMessage = message.injectNull(0.5);
    return List.of(
        Arbitraries.of("slurm", "sge")
            .injectNull(0.3)
            .flatMap(
                runner ->
                    attempt.injectNull(0.5).map(a -> (JobChange) new JobChange.Queued(runner, a))),
        Arbitraries.of("dependencies", "locks").map(JobChange.Waiting::new),
        Combinators.combine(attempt, Arbitraries.of("slurm", "sge"))
            .as((a, runner) -> new JobChange.Started(runner, a, "node-1", null)),
        Combinators.combine(attempt, maybeMessage, maybeMessage, maybeMessage)
            .as(
                (a, error, warning, activity) ->
                    new JobChange.Status(a, error, warning, activity, null)),
        Combinators.combine(
                Arbitraries.of("slurm", "sge").injectNull(0.5),
                attempt,
                Arbitraries.of(0, 1, 2, 126, 127, 137, 143, 255))
            .as(JobChange.Finished::new),
        Combinators.combine(
                Arbitraries.of("slurm", "sge").injectNull(0.5),
                attempt,
                Arbitraries.of(Blame.class).injectNull(0.2),
                Arbitraries.of("oom", "timeout", "network", "not_started"),
                Arbitraries.of(true, false))
            .as(
                (runner, a, blame, cause, fatal) ->
                    new JobChange.Crashed(runner, a, blame, cause, "details", fatal)),
        Arbitraries.just(new JobChange.Cancelled("withdrawn")),
        Combinators.combine(Arbitraries.integers().between(1, 3), maybeMessage)
            .as(JobChange.Requeued::new));
  }
}
