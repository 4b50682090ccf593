package io.jobwatch.pipeline;

/**
 * One Kafka record header as sent; {@code value} may be null. The array is not copied. Safe to
 * share between threads when it is not modified.
 */
public record RecordHeader(String key, byte[] value) {}
