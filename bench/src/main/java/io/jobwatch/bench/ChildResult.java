package io.jobwatch.bench;

import java.util.Map;

/**
 * What one contender process measured; immutable, serialised as JSON on the child's stdout.
 *
 * @param firstRecordMillis wall clock when its consumer first received records
 * @param doneMillis wall clock when all expected records were durably handled (or it gave up)
 * @param handled records durably handled by then
 * @param complete false when it gave up at {@code maxSeconds}
 * @param cpuSeconds process CPU time between the first record and the end
 * @param peakHeapBytes largest heap occupancy at one moment (right before a GC, or at the end)
 * @param peakLiveHeapBytes largest heap occupancy right after a GC
 * @param latency delay from event time to commit after the warm-up, bucket upper bound (ms) to
 *     count (see {@link Delays})
 * @param maxDelayMillis the largest delay after the warm-up, exact; -1 when none
 * @param warmupLatency delays committed during the warm-up, as {@code latency}
 * @param warmupMaxDelayMillis the largest warm-up delay, exact; -1 when none
 * @param extras contender-specific figures (statements per batch, batches, ...)
 * @param halfMillis wall clock when half of the expected records were handled (by all instances
 *     together); -1 if never
 * @param secondHalfCpuSeconds process CPU time from then to the end
 * @param jitCpuSeconds the part of {@code cpuSeconds} spent by the JIT compiler threads; -1 where
 *     it cannot be read (see {@link JvmProbe#jitCpuNanos})
 * @param secondHalfJitCpuSeconds the part of {@code secondHalfCpuSeconds} spent by them; -1 when
 *     not known
 */
public record ChildResult(
    String contender,
    long firstRecordMillis,
    long doneMillis,
    long handled,
    boolean complete,
    double cpuSeconds,
    long peakHeapBytes,
    long peakLiveHeapBytes,
    Map<Long, Long> latency,
    long maxDelayMillis,
    Map<Long, Long> warmupLatency,
    long warmupMaxDelayMillis,
    Map<String, Object> extras,
    long halfMillis,
    double secondHalfCpuSeconds,
    double jitCpuSeconds,
    double secondHalfJitCpuSeconds) {}
