package io.jobwatch.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the report: a contender run on the shared workload, plus its delays from the paced
 * runs. Mutable while the benchmark fills it in; owned by the benchmark thread.
 */
public final class RunResult {
  public String name;
  public String contender;
  public int instances;
  public int maxPollRecords;
  public String status = "ok";
  public long records;
  public double seconds;
  public double eventsPerSecond;
  public double cpuSeconds;

  /** CPU of the second half of the records (issue 11.5: after the JIT's warm-up), all instances. */
  public double secondHalfCpuSeconds;

  /**
   * The JIT compiler threads' part of {@link #cpuSeconds} and {@link #secondHalfCpuSeconds}, all
   * instances; -1 when not known (issue 11.5: a cost per JVM, not per record).
   */
  public double jitCpuSeconds;

  public double secondHalfJitCpuSeconds;

  public double peakHeapMiB;
  public double peakLiveHeapMiB;
  public Long jobsExpected;
  public Long jobsFound;
  public Boolean jobsMatch;
  public Map<String, Long> delayMillis = new LinkedHashMap<>();
  public Map<String, Object> extras = new LinkedHashMap<>();

  RunResult(String name, ContenderKind kind, int instances, int maxPollRecords) {
    this.name = name;
    this.contender = kind.wireName();
    this.instances = instances;
    this.maxPollRecords = maxPollRecords;
  }

  boolean measured() {
    return status.equals("ok") || status.startsWith("partial");
  }
}
