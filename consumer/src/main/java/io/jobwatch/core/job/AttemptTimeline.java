package io.jobwatch.core.job;

import io.jobwatch.core.JobEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which attempt is in force at a time: the highest attempt any event of the job names at or before
 * that time, else 1. Kept as the times at which that maximum rises, so it has at most one step per
 * attempt whatever the length of the history. Immutable and thread-safe.
 */
public record AttemptTimeline(List<Step> steps) {

  /** From {@code from} on, attempt {@code attempt} is in force (until a later step). */
  public record Step(Instant from, int attempt) {}

  public static final AttemptTimeline EMPTY = new AttemptTimeline(List.of());

  public AttemptTimeline {
    steps = List.copyOf(steps);
  }

  /** The timeline of the attempts named by {@code events}. */
  public static AttemptTimeline of(Collection<JobEvent> events) {
    List<Step> named = new ArrayList<>();
    for (JobEvent event : events) {
      Integer attempt = event.change().attemptOrNull();
      if (attempt != null) {
        named.add(new Step(event.time(), attempt));
      }
    }
    return compress(named);
  }

  /** The attempt in force at {@code time}. */
  public int inForce(Instant time) {
    int attempt = 1;
    for (Step step : steps) {
      if (step.from().isAfter(time)) {
        break;
      }
      attempt = Math.max(attempt, step.attempt());
    }
    return attempt;
  }

  /** The effective attempt of {@code event}: named, 1 for {@code job.submitted}, else in force. */
  public int attemptOf(JobEvent event) {
    Integer named = event.change().attemptOrNull();
    if (named != null) {
      return named;
    }
    if (event.change() instanceof JobChange.Submitted) {
      return 1;
    }
    return inForce(event.time());
  }

  /** This timeline with the attempts {@code events} name added. */
  public AttemptTimeline with(Collection<JobEvent> events) {
    List<Step> named = new ArrayList<>(steps);
    boolean changed = false;
    for (JobEvent event : events) {
      Integer attempt = event.change().attemptOrNull();
      if (attempt != null && attempt > inForce(event.time())) {
        named.add(new Step(event.time(), attempt));
        changed = true;
      }
    }
    return changed ? compress(named) : this;
  }

  private static AttemptTimeline compress(List<Step> named) {
    named.sort(Comparator.comparing(Step::from).thenComparingInt(Step::attempt));
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
