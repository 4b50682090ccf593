package io.jobwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jobwatch bench}: measures jobwatch against its alternatives on one workload. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Publish a generated workload once, run every contender on the same records (each in its own"
          + " JVM, fresh database and consumer group), print a table and write"
          + " <out>/<timestamp>.json.",
      "Uses JOBWATCH_KAFKA_BOOTSTRAP / JOBWATCH_DB_URL when set, else an embedded broker and a"
          + " durable embedded PostgreSQL. The debezium contender needs a build with -Pdebezium."
    })
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "1000000", description = "records to generate")
  long events;

  @Option(names = "--seed", defaultValue = "42", description = "workload seed")
  long seed;

  @Option(names = "--partitions", defaultValue = "4", description = "partitions per topic")
  int partitions;

  @Option(names = "--out", defaultValue = "bench-results", description = "report directory")
  Path out;

  @Option(
      names = "--contenders",
      split = ",",
      defaultValue = "jobwatch,discard,copy,naive,debezium,debezium-events",
      description = "which contenders to run")
  List<String> contenders;

  @Option(
      names = "--instances",
      split = ",",
      defaultValue = "1,2",
      description = "jobwatch instances")
  List<Integer> instances;

  @Option(
      names = "--max-poll-records",
      split = ",",
      defaultValue = "2000,500",
      description = "jobwatch batch sizes: the first for every contender, others as extra runs")
  List<Integer> maxPollRecords;

  @Option(
      names = "--latency-seconds",
      defaultValue = "60",
      description =
          "length of the measured part of each paced delay run (after the warm-up); 0 skips"
              + " them")
  int latencySeconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "30",
      description =
          "each paced run first publishes this long at the same rate; those events' delays are"
              + " the warm-up, reported apart")
  int warmupSeconds;

  @Option(
      names = "--naive-seconds",
      defaultValue = "120",
      description = "stop the naive consumer after this long and report its partial rate")
  long naiveSeconds;

  @Option(names = "--child-heap", defaultValue = "1g", description = "-Xmx of contender JVMs")
  String childHeap;

  @Option(
      names = "--child-jvm-options",
      defaultValue = "",
      description = "further JVM options of the contender JVMs, space-separated (e.g. a GC)")
  String childJvmOptions;

  @Option(names = "--profile", description = "record a JFR profile of the jobwatch x1 child")
  boolean profile;

  @Option(
      names = "--heartbeats",
      description =
          "issue 11.3 instead: 100,000 heartbeats of one job against 100,000 events over 10,000"
              + " jobs, twice each (HeartbeatBench)")
  boolean heartbeats;

  @Override
  public Integer call() throws IOException {
    if (heartbeats) {
      Path dir = Files.createDirectories(out.resolve("heartbeats-infra"));
      try (BenchInfra infra = new BenchInfra(System.getenv(), dir)) {
        new HeartbeatBench(infra, 100_000, 10_000, 2, System.out).run();
      }
      return 0;
    }
    BenchOptions options =
        new BenchOptions(
            events,
            seed,
            partitions,
            out,
            contenders.stream().map(ContenderKind::of).toList(),
            instances,
            maxPollRecords,
            latencySeconds,
            warmupSeconds,
            naiveSeconds,
            childHeap,
            childJvmOptions.isBlank() ? List.of() : List.of(childJvmOptions.strip().split("\\s+")),
            profile);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path runDir = Files.createDirectories(out.resolve(stamp));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("startedAt", Instant.now().toString());
    report.put("options", options.toString());
    report.put(
        "machine",
        Map.of(
            "cores", Runtime.getRuntime().availableProcessors(),
            "memoryGiB",
                ((com.sun.management.OperatingSystemMXBean)
                            ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize()
                    / (1 << 30),
            "java", System.getProperty("java.version")));
    List<RunResult> rows;
    try (BenchInfra infra =
        new BenchInfra(System.getenv(), Files.createDirectories(runDir.resolve("infra")))) {
      report.put("infrastructure", infra.embedded() ? "embedded, PostgreSQL DURABLE" : "external");
      rows = new Benchmark(options, infra, runDir).run(report);
    }
    report.put("results", rows);
    report.put("targets", Report.targetsJson(rows));
    Report.print(rows, System.out);
    Path json = out.resolve(stamp + ".json");
    Report.write(json, report);
    System.out.println("wrote " + json);
    return rows.stream()
            .allMatch(
                r ->
                    r.status.equals("ok")
                        || r.status.startsWith("partial")
                        || r.status.startsWith("skipped"))
        ? 0
        : 1;
  }
}
