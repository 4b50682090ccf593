package io.jobwatch.it;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.core.job.JobRow;
import io.jobwatch.pipeline.MonitorStep;
import io.jobwatch.pipeline.MonitorsWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;

/**
 * A test hook in the real pipeline: the monitors step, which first injects a fault for monitors
 * named after it. {@code sqlstate-<code>-<n>} makes the real database raise an error with that
 * SQLSTATE on the first n attempts (through {@code test_raise}, which {@link #install} creates);
 * {@code throws-<anything>} throws an IllegalArgumentException every time. Thread-safe.
 */
final class FaultyMonitorStep implements MonitorStep {
  private final MonitorsWriter real = new MonitorsWriter();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /** Creates the function that raises an error with a given SQLSTATE in the test database. */
  static void install(Harness harness) {
    harness
        .jdbi()
        .useHandle(
            handle ->
                handle.execute(
                    """
                    CREATE FUNCTION test_raise(code text) RETURNS void LANGUAGE plpgsql AS $$
                    BEGIN
                      RAISE EXCEPTION 'injected fault %', code USING ERRCODE = code;
                    END $$
                    """));
  }

  @Override
  public int apply(
      Handle handle,
      List<MonitorEvent> events,
      List<JobRow> jobs,
      Map<String, JobFoldState.PriorSuccess> priorSuccesses,
      Instant now) {
    for (MonitorEvent event : events) {
      String monitor = event.monitor();
      int attempt =
          attempts.computeIfAbsent(monitor, name -> new AtomicInteger()).incrementAndGet();
      if (monitor.startsWith("sqlstate-")) {
        String[] parts = monitor.split("-");
        if (attempt <= Integer.parseInt(parts[2])) {
          handle.createQuery("SELECT test_raise(:code)").bind("code", parts[1]).mapToMap().list();
        }
      } else if (monitor.startsWith("throws-")) {
        throw new IllegalArgumentException("injected fault for " + monitor);
      }
    }
    return real.apply(handle, events, jobs, priorSuccesses, now);
  }

  int attempts(String monitor) {
    AtomicInteger count = attempts.get(monitor);
    return count == null ? 0 : count.get();
  }
}
