package io.jobwatch.pipeline;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.core.job.JobRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Folds a batch's monitor events and monitored runs into the {@code monitors} table. */
@FunctionalInterface
public interface MonitorStep {
  /**
   * @param jobs every job row the batch wrote; those with a monitor are runs of it
   * @param priorSuccesses per monitored job of {@code jobs}, its latest finished attempt before the
   *     row's, when that succeeded (absent otherwise)
   * @return how many monitor records were written
   */
  int apply(
      Handle handle,
      List<MonitorEvent> events,
      List<JobRow> jobs,
      Map<String, JobFoldState.PriorSuccess> priorSuccesses,
      Instant now);
}
