package io.jobwatch.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What to run: workload size, contenders, jobwatch instance counts and batch sizes, paced runs.
 * Immutable.
 */
public record BenchOptions(
    long events,
    long seed,
    int partitions,
    Path out,
    List<ContenderKind> contenders,
    List<Integer> instances,
    List<Integer> maxPollRecords,
    int latencySeconds,
    int warmupSeconds,
    long naiveSeconds,
    String childHeap,
    List<String> childJvmOptions,
    boolean profile) {}
