package io.jobwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Prints the result table and ratios, and writes the JSON report. Stateless; thread-safe. */
final class Report {
  private Report() {}

  static void print(List<RunResult> rows, PrintStream out) {
    out.printf(
        "%-26s %-9s %10s %9s %8s %9s %9s %11s %11s %10s %s%n",
        "contender",
        "records",
        "events/s",
        "seconds",
        "cpu s",
        "heap MiB",
        "live MiB",
        "full p50/99",
        "half p50/99",
        "jobs",
        "status");
    for (RunResult row : rows) {
      out.printf(
          "%-26s %-9d %10.0f %9.1f %8.1f %9.0f %9.0f %11s %11s %10s %s%n",
          row.name,
          row.records,
          row.eventsPerSecond,
          row.seconds,
          row.cpuSeconds,
          row.peakHeapMiB,
          row.peakLiveHeapMiB,
          delays(row, "full"),
          delays(row, "half"),
          row.jobsFound == null ? "-" : row.jobsFound + (row.jobsMatch ? " ok" : " WRONG"),
          row.status);
    }
    RunResult jobwatch = find(rows, "jobwatch");
    if (jobwatch != null) {
      for (String other : List.of("debezium", "copy", "naive", "discard")) {
        RunResult row = find(rows, other);
        if (row != null) {
          out.printf(
              "jobwatch x1 / %-8s = %.2f%n", other, jobwatch.eventsPerSecond / row.eventsPerSecond);
        }
      }
    }
    for (RunResult row : rows) {
      if (row.extras.containsKey("roundTripsPerBatch")) {
        out.printf(
            "%s: %s SQL round trips per batch (%s statements + commit), mean batch %s records%n",
            row.name,
            row.extras.get("roundTripsPerBatch"),
            row.extras.get("statementsPerBatch"),
            row.extras.get("meanBatchRecords"));
      }
    }
  }

  private static String delays(RunResult row, String label) {
    Long p50 = row.delayMillis.get(label + "P50");
    return p50 == null ? "-" : p50 + "/" + row.delayMillis.get(label + "P99");
  }

  private static RunResult find(List<RunResult> rows, String contender) {
    return rows.stream()
        .filter(r -> r.contender.equals(contender) && r.measured())
        .findFirst()
        .orElse(null);
  }

  static void write(Path file, Map<String, Object> report) {
    try {
      new ObjectMapper()
          .findAndRegisterModules()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .writeValue(file.toFile(), report);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
