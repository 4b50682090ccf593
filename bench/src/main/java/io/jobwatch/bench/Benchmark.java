package io.jobwatch.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark: publishes the workload once, runs every contender on the same records in
 * fresh databases and consumer groups (each contender in its own JVM), checks job counts, then
 * measures delays under paced load at jobwatch's full and half rate. Not thread-safe.
 */
public final class Benchmark {
  private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
  private static final long MAX_RUN_SECONDS = 3600;
  private final BenchOptions options;
  private final BenchInfra infra;
  private final Path runDir;
  private int jobwatchRuns;

  Benchmark(BenchOptions options, BenchInfra infra, Path runDir) {
    this.options = options;
    this.infra = infra;
    this.runDir = runDir;
  }

  /** The rows of the report; the workload's figures go into {@code report}. */
  public List<RunResult> run(Map<String, Object> report) {
    List<String> topics = infra.newTopics(options.partitions());
    long publishStart = System.nanoTime();
    WorkloadStats stats;
    try (Publisher publisher = new Publisher(infra.bootstrap(), topics.get(0), topics.get(1))) {
      stats = publisher.publishAll(WorkloadSpec.of(options.events(), options.seed()));
    }
    double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
    LOG.info("published {} in {} s", stats, String.format("%.1f", publishSeconds));
    report.put("workload", stats);
    report.put("publishSeconds", publishSeconds);

    List<RunResult> results = new ArrayList<>();
    for (ContenderKind kind : options.contenders()) {
      if (kind == ContenderKind.JOBWATCH) {
        for (int instances : options.instances()) {
          results.add(throughput(kind, instances, options.maxPollRecords().get(0), topics, stats));
        }
        for (int maxPoll : options.maxPollRecords().subList(1, options.maxPollRecords().size())) {
          results.add(throughput(kind, 1, maxPoll, topics, stats));
        }
      } else {
        results.add(throughput(kind, 1, options.maxPollRecords().get(0), topics, stats));
      }
    }
    if (options.latencySeconds() > 0) {
      delays(results);
    }
    return results;
  }

  private RunResult throughput(
      ContenderKind kind, int instances, int maxPoll, List<String> topics, WorkloadStats stats) {
    String name =
        kind.wireName()
            + (kind == ContenderKind.JOBWATCH ? " x" + instances + " (poll " + maxPoll + ")" : "");
    RunResult row = new RunResult(name, kind, instances, maxPoll);
    if ((kind == ContenderKind.DEBEZIUM || kind == ContenderKind.DEBEZIUM_EVENTS)
        && !DebeziumContender.available()) {
      row.status = "skipped (build with -Pdebezium)";
      return row;
    }
    if (kind == ContenderKind.JOBWATCH && infra.usesExistingDatabase() && jobwatchRuns++ > 0) {
      // The first run stored these records there already: another would only find duplicates.
      row.status = "skipped (JOBWATCH_BENCH_DATABASE: one jobwatch run per bench)";
      return row;
    }
    LOG.info("running {}", name);
    String dbUrl = infra.newDatabase(kind.wireName().replace('-', '_'));
    long expected = expectedRecords(kind, stats);
    long limit = kind == ContenderKind.NAIVE ? options.naiveSeconds() : MAX_RUN_SECONDS;
    List<ChildLauncher> children = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      Path dir = runDir.resolve(name.replaceAll("[^a-z0-9]+", "-") + "-" + i);
      ChildConfig config =
          new ChildConfig(
              kind.wireName(),
              infra.bootstrap(),
              topics.get(0),
              topics.get(1),
              dbUrl,
              infra.user(),
              infra.password(),
              // The topics too: a seeded database (JOBWATCH_BENCH_DATABASE) outlives one run.
              "bench-" + kind.wireName() + "-" + dbUrl.hashCode() + "-" + topics.get(0),
              expected,
              maxPoll,
              false,
              0,
              limit,
              dir.toString());
      Path jfr =
          options.profile() && kind == ContenderKind.JOBWATCH && instances == 1 && i == 0
              ? dir.resolve("jobwatch.jfr")
              : null;
      children.add(
          ChildLauncher.launch(config, dir, options.childHeap(), options.childJvmOptions(), jfr));
    }
    // Issue 11.5: the longest lock wait of jobwatch's sessions while the run lasts.
    long halfMillis = -1;
    LockWaitSampler locks =
        kind == ContenderKind.JOBWATCH
            ? LockWaitSampler.start(dbUrl, infra.user(), infra.password())
            : null;
    try {
      List<ChildResult> parts = new ArrayList<>();
      for (ChildLauncher child : children) {
        parts.add(child.awaitResult(limit + 300));
      }
      fill(row, parts);
      halfMillis = parts.stream().mapToLong(ChildResult::halfMillis).max().orElse(-1);
    } catch (IllegalStateException e) {
      row.status = "failed: " + e.getMessage();
      LOG.error("{} failed", name, e);
      return row;
    } finally {
      if (locks != null) {
        row.extras.putAll(locks.stop(halfMillis));
      }
    }
    String count = countQuery(kind);
    if (count != null && row.status.equals("ok")) {
      row.jobsExpected = stats.jobs();
      row.jobsFound = infra.count(dbUrl, count);
      row.jobsMatch = row.jobsExpected.equals(row.jobsFound);
    }
    if (kind == ContenderKind.DEBEZIUM_EVENTS && row.status.equals("ok")) {
      // Every record must be stored: the duplicates twice, poison too.
      long rows = infra.count(dbUrl, "SELECT count(*) FROM " + DebeziumContender.EVENTS_TABLE);
      row.extras.put("rowsStored", rows);
      row.extras.put("rowsExpected", stats.records());
      if (rows != stats.records()) {
        row.status = "wrong: " + rows + " rows stored of " + stats.records() + " records";
      }
    }
    LOG.info(
        "{}: {} events/s, jobs {}/{}",
        name,
        Math.round(row.eventsPerSecond),
        row.jobsFound,
        row.jobsExpected);
    return row;
  }

  /** Records a contender must have handled: Debezium's latest-row contender reads one topic. */
  static long expectedRecords(ContenderKind kind, WorkloadStats stats) {
    return kind == ContenderKind.DEBEZIUM ? stats.lifecycleRecords() : stats.records();
  }

  static String countQuery(ContenderKind kind) {
    switch (kind) {
      case JOBWATCH:
        return "SELECT count(*) FROM jobs";
      case NAIVE:
        return "SELECT count(*) FROM " + NaiveContender.TABLE;
      case DEBEZIUM:
        return "SELECT count(*) FROM " + DebeziumContender.TABLE + " WHERE job_id LIKE 'job-%'";
      default:
        return null;
    }
  }

  /** {@code sum + part}, or -1 once either is not known (-1). */
  private static double known(double sum, double part) {
    return sum < 0 || part < 0 ? -1 : sum + part;
  }

  private static void fill(RunResult row, List<ChildResult> parts) {
    long first = Long.MAX_VALUE;
    long done = 0;
    boolean complete = true;
    for (ChildResult part : parts) {
      first = Math.min(first, part.firstRecordMillis());
      done = Math.max(done, part.doneMillis());
      row.records = Math.max(row.records, part.handled());
      complete &= part.complete();
      row.cpuSeconds += part.cpuSeconds();
      row.secondHalfCpuSeconds += part.secondHalfCpuSeconds();
      row.jitCpuSeconds = known(row.jitCpuSeconds, part.jitCpuSeconds());
      row.secondHalfJitCpuSeconds =
          known(row.secondHalfJitCpuSeconds, part.secondHalfJitCpuSeconds());
      row.peakHeapMiB = Math.max(row.peakHeapMiB, part.peakHeapBytes() / 1048576.0);
      row.peakLiveHeapMiB = Math.max(row.peakLiveHeapMiB, part.peakLiveHeapBytes() / 1048576.0);
      part.extras().forEach((key, value) -> row.extras.merge(key, value, (a, b) -> a + "+" + b));
    }
    row.seconds = Math.max(0.001, (done - first) / 1000.0);
    row.eventsPerSecond = row.records / row.seconds;
    if (!complete) {
      row.status = "partial (stopped after " + Math.round(row.seconds) + " s)";
    }
  }

  /**
   * Paced runs at jobwatch's full and half rate: delay from event time to commit, per event, the
   * events of the first {@code --warmup-seconds} (by event time) reported apart.
   */
  private void delays(List<RunResult> results) {
    RunResult jobwatch =
        results.stream()
            .filter(r -> r.contender.equals("jobwatch") && r.instances == 1 && r.measured())
            .findFirst()
            .orElse(null);
    if (jobwatch == null) {
      return;
    }
    double full = jobwatch.eventsPerSecond;
    for (String label : List.of("full", "half")) {
      double rate = label.equals("full") ? full : full / 2;
      // The warm-up phase first, then the measured one, at the same rate without a pause.
      long events =
          Math.max(1000, Math.round(rate * (options.warmupSeconds() + options.latencySeconds())));
      for (RunResult row : results) {
        boolean firstOfKind =
            results.stream().filter(r -> r.contender.equals(row.contender)).findFirst().get()
                == row;
        if (!row.measured() || !firstOfKind) {
          continue;
        }
        paced(row, label, rate, events);
      }
    }
  }

  private void paced(RunResult row, String label, double rate, long events) {
    ContenderKind kind = ContenderKind.of(row.contender);
    LOG.info("paced run of {} at {} events/s ({} rate)", row.name, Math.round(rate), label);
    List<String> topics = infra.newTopics(options.partitions());
    String dbUrl = infra.newDatabase(kind.wireName().replace('-', '_'));
    Path dir = runDir.resolve("paced-" + label + "-" + row.contender);
    long limit = (options.warmupSeconds() + options.latencySeconds()) * 4L + 120;
    WorkloadSpec spec = WorkloadSpec.of(events, options.seed() + 1);
    WorkloadStats stats = new Workload(spec).generate(record -> {});
    long expected = expectedRecords(kind, stats);
    ChildConfig config =
        new ChildConfig(
            kind.wireName(),
            infra.bootstrap(),
            topics.get(0),
            topics.get(1),
            dbUrl,
            infra.user(),
            infra.password(),
            "bench-paced-" + dbUrl.hashCode(),
            expected,
            row.maxPollRecords,
            true,
            options.warmupSeconds() * 1000L,
            limit,
            dir.toString());
    // With --profile, jobwatch's half-rate run is recorded too: where its delay tail comes from.
    Path jfr =
        options.profile() && kind == ContenderKind.JOBWATCH && label.equals("half")
            ? dir.resolve("jobwatch.jfr")
            : null;
    ChildLauncher child =
        ChildLauncher.launch(config, dir, options.childHeap(), options.childJvmOptions(), jfr);
    try {
      child.awaitReady(180);
      try (Publisher publisher = new Publisher(infra.bootstrap(), topics.get(0), topics.get(1))) {
        publisher.publishPaced(spec, rate);
      }
      ChildResult result = child.awaitResult(limit + 300);
      LatencyHistogram steady = new LatencyHistogram();
      steady.merge(result.latency());
      LatencyHistogram warmup = new LatencyHistogram();
      warmup.merge(result.warmupLatency());
      row.delayMillis.put(label + "RatePerSecond", Math.round(rate));
      row.delayMillis.put(label + "Events", steady.total());
      row.delayMillis.put(label + "P50", steady.percentile(0.50));
      row.delayMillis.put(label + "P99", steady.percentile(0.99));
      row.delayMillis.put(label + "P999", steady.percentile(0.999));
      row.delayMillis.put(label + "Max", result.maxDelayMillis());
      row.delayMillis.put(label + "WarmupEvents", warmup.total());
      row.delayMillis.put(label + "WarmupP50", warmup.percentile(0.50));
      row.delayMillis.put(label + "WarmupP99", warmup.percentile(0.99));
      row.delayMillis.put(label + "WarmupMax", result.warmupMaxDelayMillis());
      if (!result.complete()) {
        row.delayMillis.put(label + "Unfinished", result.handled());
      }
    } catch (IllegalStateException e) {
      LOG.error("paced run of {} failed", row.name, e);
      row.delayMillis.put(label + "P50", -1L);
      row.delayMillis.put(label + "P99", -1L);
    }
  }
}
