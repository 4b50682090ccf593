package io.jobwatch.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issue 11.5: where a contender JVM's CPU went, to tell the work per event (the consumer thread)
 * from the fixed costs of each JVM (JIT compilation, the refresh thread). Stateless; thread-safe.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** CPU seconds of the consumer and state threads so far, and the JIT's compilation seconds. */
  static Map<String, Object> snapshot() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Object> seconds = new LinkedHashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String key =
          switch (thread.getName()) {
            case "jobwatch-consumer" -> "consumerThreadCpuSeconds";
            case "jobwatch-state" -> "stateThreadCpuSeconds";
            default -> null;
          };
      long nanos = key == null ? -1 : threads.getThreadCpuTime(thread.getId());
      if (nanos >= 0) {
        seconds.put(key, nanos / 1e9);
      }
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
      seconds.put("jitCompilationSeconds", jit.getTotalCompilationTime() / 1000.0);
    }
    return seconds;
  }
}
