package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static RunResult row(ContenderKind kind, double eventsPerSecond) {
    RunResult row = new RunResult(kind.wireName(), kind, 1, 2000);
    row.eventsPerSecond = eventsPerSecond;
    return row;
  }

  /** A jobwatch row of {@code instances} that spent {@code cpu} and {@code secondHalfCpu}. */
  private static RunResult jobwatch(int instances, double cpu, double secondHalfCpu) {
    RunResult row =
        new RunResult(
            "jobwatch x" + instances + " (poll 2000)", ContenderKind.JOBWATCH, instances, 2000);
    row.cpuSeconds = cpu;
    row.secondHalfCpuSeconds = secondHalfCpu;
    row.jitCpuSeconds = -1;
    row.secondHalfJitCpuSeconds = -1;
    return row;
  }

  @Test
  @DisplayName("Targets compare jobwatch with COPY and Debezium store-every-event, p99 and heap")
  void targetsAreJudgedOnTheMeasuredRows() {
    RunResult jobwatch = row(ContenderKind.JOBWATCH, 24_000);
    jobwatch.peakHeapMiB = 300;
    jobwatch.peakLiveHeapMiB = 90;
    jobwatch.delayMillis.put("halfP99", 420L);
    jobwatch.delayMillis.put("halfP50", 60L);
    jobwatch.delayMillis.put("halfMax", 900L);
    jobwatch.delayMillis.put("halfEvents", 500_000L);
    jobwatch.delayMillis.put("halfRatePerSecond", 12_000L);
    List<Report.Target> targets =
        Report.targets(
            List.of(
                jobwatch,
                row(ContenderKind.COPY, 32_000),
                row(ContenderKind.DEBEZIUM, 60_000),
                row(ContenderKind.DEBEZIUM_EVENTS, 20_000)));

    assertThat(targets)
        .extracting(Report.Target::verdict)
        .containsExactly("missed", "met", "met", "missed");
    assertThat(targets.get(0).measured()).startsWith("0.75x");
    assertThat(targets.get(1).measured()).startsWith("1.20x");
    assertThat(targets.get(2).measured()).startsWith("p99 420 ms");
    assertThat(targets.get(3).measured()).startsWith("peak used 300 MiB");
  }

  @Test
  @DisplayName("A contender that did not run leaves its target not measured, never met")
  void missingContenderIsNotMeasured() {
    RunResult debezium = row(ContenderKind.DEBEZIUM_EVENTS, 20_000);
    debezium.status = "skipped (build with -Pdebezium)";
    List<Report.Target> targets =
        Report.targets(List.of(row(ContenderKind.JOBWATCH, 24_000), debezium));

    assertThat(targets)
        .extracting(Report.Target::verdict)
        .containsExactly("not measured", "not measured", "not measured", "met");
  }

  @Test
  @DisplayName("Two instances are compared with one on the same records, whole run and second half")
  void scalingComparesCpuForTheSameRecords() {
    RunResult one = jobwatch(1, 40, 16);
    RunResult two = jobwatch(2, 60, 20);
    two.extras.put("maxLockWaitMillis", 120L);
    two.extras.put("maxLockWaitMillisSecondHalf", 40L);

    assertThat(Report.scaling(two, one))
        .isEqualTo(
            "jobwatch x2 (poll 2000): CPU for the same records 1.50x that of x1 (second half:"
                + " 1.25x); longest lock wait 120 ms (second half: 40 ms)");
    two.status = "partial (stopped after 600 s)";
    assertThat(Report.scaling(two, one)).isNull();
  }

  @Test
  @DisplayName("With the compiler threads' CPU known, the comparison is also made without it")
  void scalingSeparatesTheJit() {
    RunResult one = jobwatch(1, 40, 16);
    one.jitCpuSeconds = 20;
    one.secondHalfJitCpuSeconds = 4;
    RunResult two = jobwatch(2, 60, 20);
    two.jitCpuSeconds = 38;
    two.secondHalfJitCpuSeconds = 7;
    two.extras.put("maxLockWaitMillis", 120L);
    two.extras.put("maxLockWaitMillisSecondHalf", 40L);

    // Without the JIT: 22 / 20 s over the run, 13 / 12 s over the second half.
    assertThat(Report.scaling(two, one))
        .isEqualTo(
            "jobwatch x2 (poll 2000): CPU for the same records 1.50x that of x1 (second half:"
                + " 1.25x); without the JIT compiler threads 1.10x (second half: 1.08x), whose CPU"
                + " was 20.0 s of 40.0 (x1) and 38.0 s of 60.0; longest lock wait 120 ms (second"
                + " half: 40 ms)");
    two.secondHalfJitCpuSeconds = -1;
    assertThat(Report.scaling(two, one)).doesNotContain("without the JIT");
  }

  @Test
  @DisplayName("Contender names on the command line use a dash")
  void wireNamesRoundTrip() {
    assertThat(ContenderKind.DEBEZIUM_EVENTS.wireName()).isEqualTo("debezium-events");
    assertThat(ContenderKind.of("debezium-events")).isEqualTo(ContenderKind.DEBEZIUM_EVENTS);
  }
}
