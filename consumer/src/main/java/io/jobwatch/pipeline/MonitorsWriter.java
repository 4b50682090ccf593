package io.jobwatch.pipeline;

import io.jobwatch.core.MonitorEvent;
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

  @Override
  public int apply(Handle handle, List<MonitorEvent> events, List<JobRow> jobs, Instant now) {
    Map<String, List<Object>> inputs = new LinkedHashMap<>();
    for (MonitorEvent event : events) {
      inputs.computeIfAbsent(event.monitor(), name -> new ArrayList<>()).add(event);
    }
    for (JobRow job : jobs) {
      MonitorRun run = runOf(job);
      if (job.monitor() != null && run != null) {
        inputs.computeIfAbsent(job.monitor(), name -> new ArrayList<>()).add(run);
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
        state =
            input instanceof MonitorEvent event
                ? MonitorFold.apply(state, event)
                : MonitorFold.observeRun(state, entry.getKey(), (MonitorRun) input);
      }
      folded.add(
          new MonitorsTable.Evaluated(state, MonitorEvaluator.evaluate(state, judgedAt), judgedAt));
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
}
