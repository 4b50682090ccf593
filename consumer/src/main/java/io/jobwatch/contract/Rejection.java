package io.jobwatch.contract;

/**
 * Thrown inside the decoder when a record cannot become an event for a reason JSON Schema does not
 * check: unparsable bytes, a cron expression, a time zone, an overflowing duration. {@link
 * EventDecoder} turns it into {@link Decoded.Rejected}; it never leaves this package.
 */
final class Rejection extends RuntimeException {
  Rejection(String reason) {
    super(reason, null, false, false);
  }

  /** A rejection whose reason starts with the failing field's path. */
  static Rejection field(String field, String problem) {
    return new Rejection(field + ": " + problem);
  }
}
