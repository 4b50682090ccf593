package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares the streaming decoder's outcome with the schema validator's (the oracle): the same
 * verdict, the same rejected field, and for an accepted record the same event, source and stored
 * envelope.
 */
final class Verdicts {
  private Verdicts() {}

  static final EventDecoder ORACLE =
      new EventDecoder(DecoderLimits.defaults(), EventDecoder.Validation.SCHEMA);
  static final EventDecoder STREAMING =
      new EventDecoder(DecoderLimits.defaults(), EventDecoder.Validation.STREAMING);

  /** Both decoders, for tests whose every case must get one verdict from each. */
  static final List<EventDecoder> BOTH = List.of(ORACLE, STREAMING);

  private static final Path VALID = Path.of("..", "schemas", "examples", "valid");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A valid example of schemas/examples/valid, by file name without {@code .json}. */
  static ObjectNode validExample(String name) {
    try {
      return (ObjectNode) JSON.readTree(Files.readAllBytes(VALID.resolve(name + ".json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The field a reason names first ({@code $.data.exit_code}, {@code header ce_time}); for a reason
   * about the record as a whole (not JSON, a parser limit, trailing data, NUL) its kind.
   */
  static String field(String reason) {
    if (reason.startsWith("$") || reason.startsWith("header ")) {
      int colon = reason.indexOf(": ");
      return colon < 0 ? reason : reason.substring(0, colon);
    }
    int colon = reason.indexOf(':');
    String kind = colon < 0 ? reason : reason.substring(0, colon);
    return "(record) " + (kind.length() > 28 ? kind.substring(0, 28) : kind);
  }

  /** How the decoder reports an exception of the validator (a bug there, never bad input). */
  static final String CRASH = "the record could not be decoded: ";

  /** Records the schema validator threw on: the schema still rejects them, the library broke. */
  static final AtomicLong ORACLE_CRASHES = new AtomicLong();

  /** Asserts the same outcome; returns whether the reasons are equal word for word too. */
  static boolean assertSame(Decoded oracle, Decoded streaming, String what) {
    if (oracle instanceof Decoded.Rejected crashed && crashed.reason().startsWith(CRASH)) {
      // The validator threw (networknt: an enum against 1E+400), so it names no field; the
      // schema rejects such a value, and the streaming decoder must reject it for a named field.
      assertThat(streaming)
          .as("verdict on %s; oracle: %s", what, oracle)
          .isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) streaming).reason()).startsWith("$");
      ORACLE_CRASHES.incrementAndGet();
      return false;
    }
    assertThat(streaming.getClass())
        .as("verdict on %s; oracle: %s", what, oracle)
        .isEqualTo(oracle.getClass());
    if (oracle instanceof Decoded.Rejected expected) {
      String reason = ((Decoded.Rejected) streaming).reason();
      assertThat(field(reason))
          .as("rejected field on %s; oracle: %s; streaming: %s", what, expected.reason(), reason)
          .isEqualTo(field(expected.reason()));
      return reason.equals(expected.reason())
          || expected.reason().startsWith(reason + "; ")
          || expected.reason().startsWith(reason + " (and");
    }
    Decoded.Accepted expected = (Decoded.Accepted) oracle;
    Decoded.Accepted accepted = (Decoded.Accepted) streaming;
    assertThat(accepted.event()).as("event of %s", what).isEqualTo(expected.event());
    assertThat(accepted.source()).as("source of %s", what).isEqualTo(expected.source());
    assertThat(accepted.json()).as("stored envelope of %s", what).isEqualTo(expected.json());
    return true;
  }
}
