package io.jobwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the result table, ratios and issue 12's targets, and writes the JSON report. Stateless;
 * thread-safe.
 */
final class Report {
  static final double COPY_RATIO_TARGET = 0.8;
  static final double DEBEZIUM_EVENTS_RATIO_TARGET = 1.0;
  static final long HALF_RATE_P99_TARGET_MS = 500;
  static final double HEAP_PEAK_TARGET_MIB = 256;

  private Report() {}

  /** One line of the targets table. */
  record Target(String name, String measured, String verdict) {}

  static void print(List<RunResult> rows, PrintStream out) {
    out.printf(
        "%-26s %-9s %10s %9s %8s %9s %9s %17s %17s %10s %s%n",
        "contender",
        "records",
        "events/s",
        "seconds",
        "cpu s",
        "heap MiB",
        "live MiB",
        "full p50/p99/max",
        "half p50/p99/max",
        "jobs",
        "status");
    for (RunResult row : rows) {
      out.printf(
          "%-26s %-9d %10.0f %9.1f %8.1f %9.0f %9.0f %17s %17s %10s %s%n",
          row.name,
          row.records,
          row.eventsPerSecond,
          row.seconds,
          row.cpuSeconds,
          row.peakHeapMiB,
          row.peakLiveHeapMiB,
          delays(row, "full", ""),
          delays(row, "half", ""),
          row.jobsFound == null ? "-" : row.jobsFound + (row.jobsMatch ? " ok" : " WRONG"),
          row.status);
    }
    out.println(
        "delays in ms, event time to commit, per event, of the events published after each paced"
            + " run's warm-up phase; the warm-up's apart:");
    for (RunResult row : rows) {
      if (row.delayMillis.containsKey("fullWarmupP50")) {
        out.printf(
            "  %-26s warm-up full %s (%s events), half %s (%s events)%n",
            row.name,
            delays(row, "full", "Warmup"),
            row.delayMillis.get("fullWarmupEvents"),
            delays(row, "half", "Warmup"),
            row.delayMillis.get("halfWarmupEvents"));
      }
    }
    RunResult jobwatch = find(rows, "jobwatch");
    if (jobwatch != null) {
      for (String other : List.of("debezium-events", "debezium", "copy", "naive", "discard")) {
        RunResult row = find(rows, other);
        if (row != null) {
          out.printf(
              "jobwatch x1 / %-15s = %.2f%n",
              other, jobwatch.eventsPerSecond / row.eventsPerSecond);
        }
      }
    }
    for (RunResult row : rows) {
      if (row.extras.containsKey("roundTripsPerBatch")) {
        out.printf(
            "%s: %s SQL round trips per batch (%s statements + commit), mean batch %s records;"
                + " decode %s s (decoding thread), write %s s + commit %s s, waited for"
                + " decoding %s s%n",
            row.name,
            row.extras.get("roundTripsPerBatch"),
            row.extras.get("statementsPerBatch"),
            row.extras.get("meanBatchRecords"),
            row.extras.get("decodeSeconds"),
            row.extras.get("writeSeconds"),
            row.extras.get("commitSeconds"),
            row.extras.get("decodeWaitSeconds"));
      }
    }
    for (RunResult row : rows) {
      String scaling = scaling(row, single(rows, row));
      if (scaling != null) {
        out.println(scaling);
      }
    }
    out.println();
    out.println("Targets (issue 12):");
    for (Target target : targets(rows)) {
      out.printf("  %-44s %-58s %s%n", target.name(), target.measured(), target.verdict());
    }
  }

  /**
   * Issue 11.5's line for a several-instance row against its one-instance row: CPU for the same
   * records, over the whole run and over its second half (after the JIT's warm-up), the same
   * without the JIT compiler threads (each JVM compiles the same code, however many records it
   * gets) when both rows know them, and the longest lock waits; null unless both rows handled every
   * record.
   */
  static String scaling(RunResult many, RunResult one) {
    if (one == null
        || !many.status.equals("ok")
        || !one.status.equals("ok")
        || one.cpuSeconds <= 0
        || one.secondHalfCpuSeconds <= 0
        || many.secondHalfCpuSeconds <= 0) {
      return null;
    }
    String withoutJit = "";
    if (one.jitCpuSeconds >= 0
        && many.jitCpuSeconds >= 0
        && one.secondHalfJitCpuSeconds >= 0
        && many.secondHalfJitCpuSeconds >= 0) {
      withoutJit =
          String.format(
              Locale.ROOT,
              "; without the JIT compiler threads %.2fx (second half: %.2fx), whose CPU was"
                  + " %.1f s of %.1f (x1) and %.1f s of %.1f",
              (many.cpuSeconds - many.jitCpuSeconds) / (one.cpuSeconds - one.jitCpuSeconds),
              (many.secondHalfCpuSeconds - many.secondHalfJitCpuSeconds)
                  / (one.secondHalfCpuSeconds - one.secondHalfJitCpuSeconds),
              one.jitCpuSeconds,
              one.cpuSeconds,
              many.jitCpuSeconds,
              many.cpuSeconds);
    }
    return String.format(
        Locale.ROOT,
        "%s: CPU for the same records %.2fx that of x1 (second half: %.2fx)%s; longest lock wait"
            + " %s ms (second half: %s ms)",
        many.name,
        many.cpuSeconds / one.cpuSeconds,
        many.secondHalfCpuSeconds / one.secondHalfCpuSeconds,
        withoutJit,
        many.extras.getOrDefault("maxLockWaitMillis", "-"),
        many.extras.getOrDefault("maxLockWaitMillisSecondHalf", "-"));
  }

  /** The one-instance row of {@code row}'s contender and batch size, if {@code row} has more. */
  private static RunResult single(List<RunResult> rows, RunResult row) {
    if (row.instances < 2) {
      return null;
    }
    return rows.stream()
        .filter(r -> r.contender.equals(row.contender) && r.maxPollRecords == row.maxPollRecords)
        .filter(r -> r.instances == 1)
        .findFirst()
        .orElse(null);
  }

  /** Issue 12's targets, judged on jobwatch x1 (the first batch size) of this run. */
  static List<Target> targets(List<RunResult> rows) {
    List<Target> targets = new ArrayList<>();
    RunResult jobwatch = find(rows, "jobwatch");
    targets.add(
        ratio(
            "jobwatch >= " + COPY_RATIO_TARGET + "x the COPY ceiling",
            jobwatch,
            find(rows, "copy"),
            COPY_RATIO_TARGET));
    targets.add(
        ratio(
            "jobwatch >= " + DEBEZIUM_EVENTS_RATIO_TARGET + "x Debezium store-every-event",
            jobwatch,
            find(rows, "debezium-events"),
            DEBEZIUM_EVENTS_RATIO_TARGET));
    String p99Name = "p99 event-to-commit < " + HALF_RATE_P99_TARGET_MS + " ms at half rate";
    Long p99 = jobwatch == null ? null : jobwatch.delayMillis.get("halfP99");
    if (p99 == null || p99 < 0) {
      targets.add(new Target(p99Name, "not measured", "not measured"));
    } else {
      targets.add(
          new Target(
              p99Name,
              String.format(
                  "p99 %d ms, p50 %d, max %d (%d events after warm-up at %d/s)",
                  p99,
                  jobwatch.delayMillis.get("halfP50"),
                  jobwatch.delayMillis.get("halfMax"),
                  jobwatch.delayMillis.get("halfEvents"),
                  jobwatch.delayMillis.get("halfRatePerSecond")),
              p99 < HALF_RATE_P99_TARGET_MS ? "met" : "missed"));
    }
    String heapName = "heap peak < " + (long) HEAP_PEAK_TARGET_MIB + " MiB";
    if (jobwatch == null) {
      targets.add(new Target(heapName, "not measured", "not measured"));
    } else {
      targets.add(
          new Target(
              heapName,
              String.format(
                  "peak used %.0f MiB (live after GC %.0f MiB, pool peaks %s MiB)",
                  jobwatch.peakHeapMiB,
                  jobwatch.peakLiveHeapMiB,
                  jobwatch.extras.get("heapPoolPeaksMiB")),
              jobwatch.peakHeapMiB < HEAP_PEAK_TARGET_MIB ? "met" : "missed"));
    }
    return targets;
  }

  private static Target ratio(String name, RunResult jobwatch, RunResult other, double target) {
    if (jobwatch == null || other == null) {
      return new Target(name, "not measured", "not measured");
    }
    double ratio = jobwatch.eventsPerSecond / other.eventsPerSecond;
    return new Target(
        name,
        String.format(
            "%.2fx (%.0f vs %.0f events/s)",
            ratio, jobwatch.eventsPerSecond, other.eventsPerSecond),
        ratio >= target ? "met" : "missed");
  }

  /** The targets as JSON-friendly maps, for the report file. */
  static List<Map<String, String>> targetsJson(List<RunResult> rows) {
    List<Map<String, String>> json = new ArrayList<>();
    for (Target target : targets(rows)) {
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("target", target.name());
      entry.put("measured", target.measured());
      entry.put("verdict", target.verdict());
      json.add(entry);
    }
    return json;
  }

  private static String delays(RunResult row, String label, String part) {
    Long p50 = row.delayMillis.get(label + part + "P50");
    return p50 == null
        ? "-"
        : p50
            + "/"
            + row.delayMillis.get(label + part + "P99")
            + "/"
            + row.delayMillis.get(label + part + "Max");
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
