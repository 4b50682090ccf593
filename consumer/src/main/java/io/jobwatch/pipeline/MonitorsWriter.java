package io.jobwatch.pipeline;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.core.job.JobRow;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorRun;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.store.MonitorsTable;
import io.jobwatch.store.ProgressTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Folds monitor events and monitored runs (jobs that name a monitor) into the {@code monitors}
 * table, evaluated at the batch's instant, or at the stream's watermark while the pipeline is
 * behind ({@link ProgressTable#judgementInstant}). Stateless and thread-safe.
 */
public final class MonitorsWriter implements MonitorStep {

  /** One observation of a monitored job: its current attempt, and its prior success if any. */
  private record Observed(MonitorRun run, MonitorRun priorSuccess) {}

  @Override
  public int apply(
      Handle handle,
      List<MonitorEvent> events,
      List<JobRow> jobs,
      Map<String, JobFoldState.PriorSuccess> priorSuccesses,
      Instant now) {
    Map<String, List<Object>> inputs = new LinkedHashMap<>();
    for (MonitorEvent event : events) {
      inputs.computeIfAbsent(event.monitor(), name -> new ArrayList<>()).add(event);
    }
    for (JobRow job : jobs) {
      MonitorRun run = runOf(job);
      if (job.monitor() != null && run != null) {
        inputs
            .computeIfAbsent(job.monitor(), name -> new ArrayList<>())
            .add(new Observed(run, priorSuccessOf(job, priorSuccesses.get(job.jobId()))));
      }
    }
    if (inputs.isEmpty()) {
      return 0;
    }
    Map<String, MonitorState> current = MonitorsTable.lock(handle, List.copyOf(inputs.keySet()));
    List<MonitorsTable.Evaluated> folded = new ArrayList<>(inputs.size());
    Instant judgedAt = ProgressTable.judgementInstant(handle, now);
    for (Map.Entry<String, List<Object>> entry : inputs.entrySet()) {
      MonitorState state = current.get(entry.getKey());
      for (Object input : entry.getValue()) {
        if (input instanceof MonitorEvent event) {
          state = MonitorFold.apply(state, event);
        } else {
          Observed observed = (Observed) input;
          state =
              MonitorFold.observeRun(
                  state, entry.getKey(), observed.run(), observed.priorSuccess());
        }
      }
      folded.add(
          new MonitorsTable.Evaluated(
              state, MonitorEvaluator.evaluate(state, judgedAt, judgedAt.isBefore(now)), judgedAt));
    }
    MonitorsTable.update(handle, folded);
    return folded.size();
  }

  /**
   * A monitored job's current attempt as a run: succeeded or not once it ended; cancelled counts as
   * neither. Identified by job and attempt, so the monitor merges what successive batches observe
   * of the same attempt into one run, and a later attempt (a retry) supersedes the earlier ones: a
   * job is one run of its monitor, whose outcome is its latest attempt's. A retry requeued and not
   * started yet is observed too (no start, no finish), so that the attempt it retries stops
   * counting whether or not a batch boundary fell between them; a first attempt not started is
   * nothing.
   */
  static MonitorRun runOf(JobRow job) {
    if (job.startedAt() == null && job.finishedAt() == null) {
      return job.attempt() > 1
          ? new MonitorRun(job.jobId(), job.attempt(), null, null, null)
          : null;
    }
    Boolean succeeded = null;
    if (job.state().isTerminal() && job.state() != JobState.CANCELLED && job.finishedAt() != null) {
      succeeded = job.state() == JobState.SUCCEEDED;
    }
    return new MonitorRun(job.jobId(), job.attempt(), job.startedAt(), job.finishedAt(), succeeded);
  }

  /**
   * A monitored job's prior success (its latest finished attempt before the row's, when that
   * succeeded) as a run of the same job: it stands for the job while the row's attempt has no
   * outcome, so re-running a job that succeeded does not make its monitor {@code down} while the
   * re-run waits or runs. Null when there is none.
   */
  static MonitorRun priorSuccessOf(JobRow job, JobFoldState.PriorSuccess prior) {
    if (prior == null || prior.attempt() >= job.attempt()) {
      return null;
    }
    return new MonitorRun(
        job.jobId(), prior.attempt(), prior.startedAt(), prior.finishedAt(), Boolean.TRUE);
  }
}
