package io.jobwatch.core.job;

import io.jobwatch.core.JobEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which attempt is in force at a time: the highest attempt any event of the job names at or before
 * that time, else 1; for a {@code job.cancelled}, a {@code job.requeued} of its very instant does
 * not count (see {@link #inForceAtCancel}). Kept as the times at which that maximum rises, so it
 * has at most one step per attempt whatever the length of the history. Immutable and thread-safe.
 */
public record AttemptTimeline(List<Step> steps) {

  /**
   * From {@code from} on, attempt {@code attempt} is in force (until a later step).
   *
   * @param byRequeue only a {@code job.requeued} names the attempt at {@code from}, so a {@code
   *     job.cancelled} of that instant still belongs to the attempt before
   */
  public record Step(Instant from, int attempt, boolean byRequeue) {}

  public static final AttemptTimeline EMPTY = new AttemptTimeline(List.of());

  /** Same instant and attempt: the step of an event other than a requeue first, so it is kept. */
  private static final Comparator<Step> ORDER =
      Comparator.comparing(Step::from)
          .thenComparingInt(Step::attempt)
          .thenComparing(Step::byRequeue);

  public AttemptTimeline {
    steps = List.copyOf(steps);
  }

  /** The timeline of the attempts named by {@code events}. */
  public static AttemptTimeline of(Collection<JobEvent> events) {
    List<Step> named = new ArrayList<>();
    for (JobEvent event : events) {
      Integer attempt = event.change().attemptOrNull();
      if (attempt != null) {
        named.add(step(event, attempt));
      }
    }
    return compress(named);
  }

  /** The attempt in force at {@code time}: the highest named at or before it, else 1. */
  public int inForce(Instant time) {
    return inForce(time, true);
  }

  /**
   * The attempt a {@code job.cancelled} at {@code time} belongs to: as {@link #inForce}, except
   * that a {@code job.requeued} of exactly {@code time} does not count. Lifecycle rank puts a
   * cancel before a requeue of its instant, so a scheduler's restart (cancel, then requeue, stamped
   * with one clock reading) cancels the old attempt and opens the new one.
   */
  public int inForceAtCancel(Instant time) {
    return inForce(time, false);
  }

  private int inForce(Instant time, boolean requeuesOfTheInstant) {
    int attempt = 1;
    for (Step step : steps) {
      if (step.from().isAfter(time)) {
        break;
      }
      if (requeuesOfTheInstant || !step.byRequeue() || step.from().isBefore(time)) {
        attempt = Math.max(attempt, step.attempt());
      }
    }
    return attempt;
  }

  /**
   * The effective attempt of {@code event}: named, 1 for {@code job.submitted}, else in force
   * ({@link #inForceAtCancel} for {@code job.cancelled}).
   */
  public int attemptOf(JobEvent event) {
    Integer named = event.change().attemptOrNull();
    if (named != null) {
      return named;
    }
    if (event.change() instanceof JobChange.Submitted) {
      return 1;
    }
    if (event.change() instanceof JobChange.Cancelled) {
      return inForceAtCancel(event.time());
    }
    return inForce(event.time());
  }

  /** This timeline with the attempts {@code events} name added. */
  public AttemptTimeline with(Collection<JobEvent> events) {
    List<Step> named = new ArrayList<>(steps);
    boolean changed = false;
    for (JobEvent event : events) {
      Integer attempt = event.change().attemptOrNull();
      if (attempt == null) {
        continue;
      }
      Step step = step(event, attempt);
      if (attempt > inForce(event.time())
          || (!step.byRequeue() && attempt > inForceAtCancel(event.time()))) {
        named.add(step);
        changed = true;
      }
    }
    return changed ? compress(named) : this;
  }

  private static Step step(JobEvent event, int attempt) {
    return new Step(event.time(), attempt, event.change() instanceof JobChange.Requeued);
  }

  private static AttemptTimeline compress(List<Step> named) {
    named.sort(ORDER);
    List<Step> rises = new ArrayList<>();
    int max = 1;
    for (Step step : named) {
      if (step.attempt() > max) {
        rises.add(step);
        max = step.attempt();
      }
    }
    return new AttemptTimeline(rises);
  }
}
