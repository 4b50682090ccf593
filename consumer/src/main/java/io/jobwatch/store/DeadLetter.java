package io.jobwatch.store;

/** A record that could not be accepted, with the reason. Immutable; the arrays are not copied. */
public record DeadLetter(
    String topic, int partition, long offset, byte[] key, byte[] value, String reason) {}
