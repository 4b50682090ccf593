package io.jobwatch.contract;

/**
 * Bounds the decoder enforces before it looks at a record's meaning. Immutable and safe to share
 * between threads.
 *
 * @param maxRecordBytes the largest record value accepted, in bytes
 * @param maxNestingDepth the deepest nesting of JSON objects and arrays accepted
 */
public record DecoderLimits(int maxRecordBytes, int maxNestingDepth) {
  /** 1 MiB: far above any real event, well below Kafka's default maximum message size. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

  /** The deepest valid event nests about six levels; 32 leaves room for trigger payloads. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 32;

  public DecoderLimits {
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive, was " + maxRecordBytes);
    }
    if (maxNestingDepth < 2) {
      throw new IllegalArgumentException(
          "maxNestingDepth must be at least 2, was " + maxNestingDepth);
    }
  }

  /** The default limits: 1 MiB and a nesting depth of 32. */
  public static DecoderLimits defaults() {
    return new DecoderLimits(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_NESTING_DEPTH);
  }
}
