package io.jobwatch.store;

import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the one-row {@code dependency_settings} table, which the {@code job_waits} and {@code
 * stuck_jobs} views read. Stateless and thread-safe.
 */
public final class DependencySettingsTable {
  private static final String WRITE =
      """
      UPDATE dependency_settings
         SET stuck_after = :millis * interval '1 millisecond', updated_at = now()
       WHERE singleton
      """;

  private DependencySettingsTable() {}

  /**
   * Stores {@code JOBWATCH_STUCK_AFTER} for the views. Every instance writes it at start, so the
   * last one started wins: give all instances the same value.
   */
  public static void write(Handle handle, Duration stuckAfter) {
    int rows = handle.createUpdate(WRITE).bind("millis", stuckAfter.toMillis()).execute();
    Checks.expectRows("update dependency_settings", 1, rows);
  }
}
