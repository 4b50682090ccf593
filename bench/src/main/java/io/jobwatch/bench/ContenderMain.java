package io.jobwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of one contender process: {@code java -cp <jobwatch class path>
 * io.jobwatch.bench.ContenderMain <config.json>}. Prints {@code BENCH-READY} once consuming and
 * finally {@code BENCH-RESULT <json>}; everything else goes to stderr. Single-threaded driver.
 */
public final class ContenderMain {
  static final String READY = "BENCH-READY";
  static final String RESULT = "BENCH-RESULT ";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ContenderMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    ChildConfig config = MAPPER.readValue(Path.of(args[0]).toFile(), ChildConfig.class);
    ContenderKind kind = ContenderKind.of(config.contender());
    // jobwatch hands over its own per-event delays; the others are timed at their Kafka commit.
    RecordClock.trackCommits(config.paced() && kind != ContenderKind.JOBWATCH);
    RecordClock.paced(config.paced());
    Delays.process().warmupMillis(config.warmupMillis());
    JvmProbe probe = JvmProbe.start();
    long deadline = System.currentTimeMillis() + config.maxSeconds() * 1000;
    Contender contender = create(kind);
    contender.start(config);
    while (!contender.ready() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    System.out.println(READY);
    System.out.flush();
    // Issue 11.5: the CPU of the second half of the records, once every JIT has had the first
    // half to compile in (jobwatch's handled() counts the records of all its instances, so they
    // mark together).
    long halfMillis = -1;
    long cpuAtHalf = -1;
    long jitCpuAtHalf = -1;
    long handled = contender.handled();
    while (true) {
      if (halfMillis < 0 && handled * 2 >= config.expectedRecords()) {
        cpuAtHalf = JvmProbe.cpuNanos();
        jitCpuAtHalf = JvmProbe.jitCpuNanos();
        halfMillis = System.currentTimeMillis();
      }
      if (handled >= config.expectedRecords() || System.currentTimeMillis() >= deadline) {
        break;
      }
      Thread.sleep(20);
      handled = contender.handled();
    }
    long done = System.currentTimeMillis();
    long cpu = JvmProbe.cpuNanos();
    long jitCpu = JvmProbe.jitCpuNanos();
    long first = RecordClock.firstRecordMillis() < 0 ? done : RecordClock.firstRecordMillis();
    long cpuAtFirst = RecordClock.cpuAtFirstRecord() < 0 ? cpu : RecordClock.cpuAtFirstRecord();
    // As for the CPU, an instance that got no record counts nothing; otherwise a figure is -1 (not
    // known) unless every JIT sample it needs was read.
    long jitAtFirst =
        RecordClock.firstRecordMillis() < 0 ? jitCpu : RecordClock.jitCpuAtFirstRecord();
    ChildResult result =
        new ChildResult(
            config.contender(),
            first,
            done,
            handled,
            handled >= config.expectedRecords(),
            (cpu - cpuAtFirst) / 1e9,
            probe.peakHeapUsed(),
            probe.peakLiveHeap(),
            Delays.process().steady().counts(),
            Delays.process().steadyMax(),
            Delays.process().warmup().counts(),
            Delays.process().warmupMax(),
            extras(contender, probe),
            halfMillis,
            halfMillis < 0 ? 0 : (cpu - cpuAtHalf) / 1e9,
            jitCpu < 0 || jitAtFirst < 0 ? -1 : (jitCpu - jitAtFirst) / 1e9,
            halfMillis < 0 || jitCpu < 0 || jitCpuAtHalf < 0 ? -1 : (jitCpu - jitCpuAtHalf) / 1e9);
    if (config.paced()) {
      Delays.process().writeTimeline(Path.of(config.workDir()).resolve("delay-timeline.csv"));
    } else {
      JvmProbe.writeClassHistogram(Path.of(config.workDir()).resolve("heap-histogram.txt"), 40);
    }
    contender.close();
    System.out.println(RESULT + MAPPER.writeValueAsString(result));
    System.out.flush();
    // Connect and client threads are not daemons; the result is out, so end here.
    System.exit(0);
  }

  private static Map<String, Object> extras(Contender contender, JvmProbe probe) {
    Map<String, Object> extras = new LinkedHashMap<>(contender.extras());
    // Earlier runs' heap figure: the pools' peaks, each at its own moment.
    extras.put("heapPoolPeaksMiB", Math.round(probe.heapPoolPeaks() / 1048576.0));
    return extras;
  }

  private static Contender create(ContenderKind kind) {
    switch (kind) {
      case JOBWATCH:
        return new JobwatchContender();
      case DISCARD:
        return new DiscardContender();
      case COPY:
        return new CopyContender();
      case NAIVE:
        return new NaiveContender();
      case DEBEZIUM:
        return new DebeziumContender(false);
      case DEBEZIUM_EVENTS:
        return new DebeziumContender(true);
    }
    throw new IllegalArgumentException("unknown contender " + kind);
  }
}
