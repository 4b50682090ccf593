package io.jobwatch.core;

import io.jobwatch.core.job.JobChange;
import java.time.Instant;
import java.util.Objects;

/**
 * A lifecycle event of one job. {@code service} is only required on a job's first event, so it may
 * be null. Immutable and safe to share between threads.
 */
public record JobEvent(String id, Instant time, String jobId, String service, JobChange change)
    implements Event {
  public JobEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(change, "change");
  }

  @Override
  public String type() {
    return change.type();
  }

  @Override
  public JobEvent withTime(Instant time) {
    return new JobEvent(id, time, jobId, service, change);
  }
}
