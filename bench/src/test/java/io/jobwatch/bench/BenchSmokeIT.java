package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithInfra
class BenchSmokeIT {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "Every contender runs on the same small workload and the job tables agree on the job count")
  void everyContenderRunsAndAgreesOnJobCount(Infra infra) throws Exception {
    Database admin = infra.newDatabase();
    Map<String, String> env =
        Map.of(
            "JOBWATCH_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
            "JOBWATCH_DB_URL", admin.jdbcUrl(),
            "JOBWATCH_DB_USER", admin.user(),
            "JOBWATCH_DB_PASSWORD", admin.password());
    BenchOptions options =
        new BenchOptions(
            3_000,
            11,
            4,
            dir,
            List.of(ContenderKind.values()),
            List.of(1, 2),
            List.of(2000, 500),
            0,
            0,
            600,
            "512m",
            // Two options: a child JVM would refuse to start if they reached it as one.
            List.of("-XX:+UseSerialGC", "-Xss1m"),
            false);
    Map<String, Object> report = new HashMap<>();
    List<RunResult> rows;
    try (BenchInfra benchInfra =
        new BenchInfra(env, Files.createDirectories(dir.resolve("infra")))) {
      rows = new Benchmark(options, benchInfra, dir).run(report);
    }

    WorkloadStats stats = (WorkloadStats) report.get("workload");
    assertThat(stats.records()).isEqualTo(3_000);
    assertThat(rows)
        .extracting(row -> row.name)
        .containsExactly(
            "jobwatch x1 (poll 2000)",
            "jobwatch x2 (poll 2000)",
            "jobwatch x1 (poll 500)",
            "discard",
            "copy",
            "naive",
            "debezium",
            "debezium-events");
    for (RunResult row : rows) {
      if (row.contender.startsWith("debezium") && !DebeziumContender.available()) {
        assertThat(row.status).isEqualTo("skipped (build with -Pdebezium)");
        continue;
      }
      assertThat(row.status).as(row.name).isEqualTo("ok");
      long expected = row.contender.equals("debezium") ? stats.lifecycleRecords() : stats.records();
      assertThat(row.records).as(row.name).isEqualTo(expected);
      if (row.contender.equals("debezium-events")) {
        // Every record stored, duplicates and poison included.
        assertThat(row.extras.get("rowsStored")).as(row.name).isEqualTo(stats.records());
      }
      if (Benchmark.countQuery(ContenderKind.of(row.contender)) != null) {
        assertThat(row.jobsFound).as(row.name).isEqualTo(stats.jobs());
      }
    }
    assertThat(rows.get(0).extras)
        .containsKeys(
            "statementsPerBatch",
            "roundTripsPerBatch",
            "decodeSeconds",
            "writeSeconds",
            "decodeWaitSeconds");
    assertThat((Double) rows.get(0).extras.get("decodeSeconds")).isPositive();
    assertThat((Double) rows.get(0).extras.get("writeSeconds")).isPositive();
    // Issue 11.5: the second half's CPU and lock waits are measured for x1 and x2.
    assertThat(rows.get(1).extras).containsKeys("maxLockWaitMillis", "maxLockWaitMillisSecondHalf");
    assertThat(rows.get(0).secondHalfCpuSeconds).isBetween(0.0, rows.get(0).cpuSeconds);
    assertThat(rows.get(1).secondHalfCpuSeconds).isBetween(0.0, rows.get(1).cpuSeconds);
    // Issue 11.5: every JVM runs its JIT compilers, and their CPU is part of the process's.
    for (RunResult row : rows.subList(0, 2)) {
      assertThat(row.jitCpuSeconds).isGreaterThan(0.0).isLessThanOrEqualTo(row.cpuSeconds);
      assertThat(row.secondHalfJitCpuSeconds)
          .isBetween(0.0, Math.min(row.jitCpuSeconds, row.secondHalfCpuSeconds));
    }
  }
}
