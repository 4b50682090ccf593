package io.jobwatch.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.slf4j.LoggerFactory;

/**
 * This JVM's process CPU time and heap: the peak heap in use (the largest occupancy at one moment:
 * right before a collection, from GC notifications, or now), the sum of the heap pools' own peaks
 * (reached at different moments, so larger than any real occupancy; the figure of earlier runs),
 * and the peak live heap (the largest occupancy right after a collection). Thread-safe.
 */
public final class JvmProbe {
  /** /proc's CPU times are in USER_HZ ticks, 100 per second on every Linux architecture. */
  private static final long USER_HZ = 100;

  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong peakBeforeGc = new AtomicLong();

  private JvmProbe() {}

  /** Starts listening to collections and resets the pools' peaks. */
  public static JvmProbe start() {
    JvmProbe probe = new JvmProbe();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                probe.afterGc(
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData()));
              }
            },
            null,
            null);
      }
    }
    return probe;
  }

  private void afterGc(GarbageCollectionNotificationInfo info) {
    long live = 0;
    long inUse = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP) {
        continue;
      }
      MemoryUsage after = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
      MemoryUsage before = info.getGcInfo().getMemoryUsageBeforeGc().get(pool.getName());
      live += after == null ? 0 : after.getUsed();
      inUse += before == null ? 0 : before.getUsed();
    }
    peakAfterGc.accumulateAndGet(live, Math::max);
    peakBeforeGc.accumulateAndGet(inUse, Math::max);
  }

  /** CPU time of this whole process (all threads), in nanoseconds. */
  public static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU time of this JVM's JIT compiler threads (C1 and C2), in nanoseconds; -1 where Linux's
   * {@code /proc/self/task} cannot be read. Issue 11.5: a JVM compiles the same code whether it
   * consumes a thousand records or a million, so several instances pay that cost once each; this
   * separates it from the CPU the records themselves cost. The compiler threads are read by name
   * ({@code C1 CompilerThre}, {@code C2 CompilerThre}: Linux keeps 15 characters); a compiler
   * thread that ended is not counted, so the bench starts its contenders with {@code
   * -XX:-UseDynamicNumberOfCompilerThreads} (none ends before the JVM does).
   */
  public static long jitCpuNanos() {
    Path tasks = Path.of("/proc/self/task");
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        ticks += compilerTicks(thread);
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks * (1_000_000_000L / USER_HZ);
  }

  private static long compilerTicks(Path thread) throws IOException {
    String name;
    String stat;
    try {
      name = Files.readString(thread.resolve("comm")).strip();
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
        return 0;
      }
      stat = Files.readString(thread.resolve("stat"));
    } catch (IOException ended) {
      // A thread that ends between the listing and the read: NoSuchFileException, or ESRCH.
      return 0;
    }
    return userPlusSystemTicks(stat);
  }

  /** Fields 14 and 15 (utime, stime) of a {@code /proc/.../stat} line. */
  static long userPlusSystemTicks(String stat) {
    // The name (field 2) is in parentheses and may hold spaces: count fields after its end.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * The largest heap occupancy since {@link #start}, in bytes: between collections the heap in use
   * only grows, so its peak is its size right before one of them, or now.
   */
  public long peakHeapUsed() {
    long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return Math.max(peakBeforeGc.get(), now);
  }

  /** The sum of the heap pools' peak usage since {@link #start}, in bytes. */
  public long heapPoolPeaks() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * Writes the top {@code lines} classes of the live heap (a full collection first, as {@code jcmd
   * GC.class_histogram}) to {@code file}: where the heap goes at the end of a run. Best effort.
   */
  public static void writeClassHistogram(Path file, int lines) {
    try {
      Object text =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      String[] all = String.valueOf(text).split("\n");
      List<String> top =
          new ArrayList<>(Arrays.asList(all).subList(0, Math.min(lines, all.length)));
      top.add(all[all.length - 1]);
      Files.write(file, top);
    } catch (JMException | IOException | RuntimeException e) {
      LoggerFactory.getLogger(JvmProbe.class).warn("no class histogram: {}", e.toString());
    }
  }

  /** The largest heap occupancy seen right after a collection, in bytes (0 before any GC). */
  public long peakLiveHeap() {
    return peakAfterGc.get();
  }
}
