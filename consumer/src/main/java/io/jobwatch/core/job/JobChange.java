package io.jobwatch.core.job;

import java.util.List;
import java.util.Map;

/** What a lifecycle event says happened to a job. Immutable and safe to share between threads. */
public sealed interface JobChange {
  /** The CloudEvents type of this change. */
  String type();

  /** The attempt this change belongs to, or null when the event does not name one. */
  default Integer attemptOrNull() {
    return null;
  }

  /** A job the submitted job waits on, and the states of it that it accepts. */
  record Dependency(String jobId, List<JobState> accept) {
    public Dependency {
      accept =
          accept == null || accept.isEmpty() ? List.of(JobState.SUCCEEDED) : List.copyOf(accept);
    }
  }

  /** {@code job.submitted}: accepted by a scheduler. {@code triggerJson} is kept verbatim. */
  record Submitted(
      String runner,
      String monitor,
      List<Dependency> dependsOn,
      String triggerJson,
      Map<String, String> labels)
      implements JobChange {
    public Submitted {
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    @Override
    public String type() {
      return "job.submitted";
    }
  }

  /** {@code job.queued}: handed to a queuing system. */
  record Queued(String runner, Integer attempt) implements JobChange {
    @Override
    public String type() {
      return "job.queued";
    }

    @Override
    public Integer attemptOrNull() {
      return attempt;
    }
  }

  /**
   * {@code job.waiting}: not runnable yet, for {@code reason} (dependencies, locks, resources…).
   */
  record Waiting(String reason) implements JobChange {
    @Override
    public String type() {
      return "job.waiting";
    }
  }

  /** {@code job.started}: the process runs. */
  record Started(String runner, int attempt, String host, String monitor) implements JobChange {
    @Override
    public String type() {
      return "job.started";
    }

    @Override
    public Integer attemptOrNull() {
      return attempt;
    }
  }

  /** Progress counters reported by a running job (for example a workflow runner's children). */
  record Progress(Long complete, Long waiting, Long failed) {
    /**
     * The progress a report gives, or null when it gives no count: {@code {"complete": null}} says
     * as little as no progress at all (an optional count as null is the same as absent).
     */
    public static Progress ofCounts(Long complete, Long waiting, Long failed) {
      return complete == null && waiting == null && failed == null
          ? null
          : new Progress(complete, waiting, failed);
    }
  }

  /** {@code job.status}: runtime status while running. */
  record Status(int attempt, String error, String warning, String activity, Progress progress)
      implements JobChange {
    @Override
    public String type() {
      return "job.status";
    }

    @Override
    public Integer attemptOrNull() {
      return attempt;
    }
  }

  /**
   * {@code job.finished}: the process ended with {@code exitCode}. {@code runner} is optional (null
   * when the event does not name one).
   */
  record Finished(String runner, int attempt, int exitCode) implements JobChange {
    /** A {@code job.finished} that does not name its runner. */
    public Finished(int attempt, int exitCode) {
      this(null, attempt, exitCode);
    }

    @Override
    public String type() {
      return "job.finished";
    }

    @Override
    public Integer attemptOrNull() {
      return attempt;
    }
  }

  /**
   * {@code job.crashed}: the run broke for a reason outside the task's own result. {@code runner}
   * is optional (null when the event does not name one).
   */
  record Crashed(
      String runner, int attempt, Blame blame, String cause, String details, boolean fatal)
      implements JobChange {
    public Crashed {
      blame = blame == null ? Blame.UNKNOWN : blame;
    }

    /** A {@code job.crashed} that does not name its runner. */
    public Crashed(int attempt, Blame blame, String cause, String details, boolean fatal) {
      this(null, attempt, blame, cause, details, fatal);
    }

    @Override
    public String type() {
      return "job.crashed";
    }

    @Override
    public Integer attemptOrNull() {
      return attempt;
    }
  }

  /** {@code job.cancelled}: withdrawn. */
  record Cancelled(String reason) implements JobChange {
    @Override
    public String type() {
      return "job.cancelled";
    }
  }

  /** {@code job.requeued}: a new attempt ({@code attempt}) begins. */
  record Requeued(int attempt, String reason) implements JobChange {
    @Override
    public String type() {
      return "job.requeued";
    }

    @Override
    public Integer attemptOrNull() {
      return attempt;
    }
  }
}
