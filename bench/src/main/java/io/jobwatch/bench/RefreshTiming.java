package io.jobwatch.bench;

import io.jobwatch.app.StateRefresh;
import io.jobwatch.config.Settings;
import io.jobwatch.metrics.DatabaseState;
import io.jobwatch.store.Database;
import java.time.Instant;
import java.util.Arrays;

/**
 * Issue 11.4: times the exporter's refresh transaction ({@link StateRefresh#read}) on the database
 * of {@code JOBWATCH_DB_URL}, e.g. one filled by deploy/perf/seed-year.sh: {@code java -cp
 * consumer/target/jobwatch.jar io.jobwatch.bench.RefreshTiming [runs]}. Prints each run and the
 * median. Single-threaded.
 */
public final class RefreshTiming {
  private RefreshTiming() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    double[] millis = new double[runs];
    try (Database database = Database.open(Settings.fromEnvironment(System.getenv()).db(), false)) {
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        DatabaseState state =
            database.jdbi().inTransaction(handle -> StateRefresh.read(handle, Instant.now()));
        millis[i] = (System.nanoTime() - start) / 1e6;
        System.out.printf(
            "refresh %d: %.1f ms (%d job groups, %d stages, %d monitors)%n",
            i + 1, millis[i], state.jobs().size(), state.stages().size(), state.monitors().size());
      }
    }
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "median %.1f ms, max %.1f ms over %d runs%n", sorted[runs / 2], sorted[runs - 1], runs);
  }
}
