package io.jobwatch.store;

/**
 * Moves a partition's stored offset from {@code expectedNext} (null when none is stored yet) to
 * {@code next}. Immutable and thread-safe.
 */
public record PartitionAdvance(String topic, int partition, Long expectedNext, long next) {}
