package io.jobwatch.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.contract.BinaryMode.Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Text a JSON parser reads but PostgreSQL's jsonb cannot store is a dead letter with its reason at
 * decoding, in both modes and from both decoders, instead of an accepted event that fails its batch
 * in the database (PostgreSQL 15 refuses a lone surrogate escape with "Unicode low surrogate must
 * follow a high surrogate", a leading byte order mark with "Token is invalid", and NUL in any
 * text).
 */
class UnstorableTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String cancelled() throws IOException {
    return Verdicts.validExample("job.cancelled").toString();
  }

  private static String withReason(String reasonJson) throws IOException {
    return cancelled().replace("\"superseded by a newer request\"", reasonJson);
  }

  private static List<Header> binaryHeaders() {
    return List.of(
        Header.text("content-type", "application/json"),
        Header.text("ce_specversion", "1.0"),
        Header.text("ce_id", "e-1"),
        Header.text("ce_source", "/scheduler/eu-1"),
        Header.text("ce_type", "job.cancelled"),
        Header.text("ce_time", "2026-11-22T10:00:00Z"));
  }

  private static String binaryData(String reasonJson) {
    return "{\"job_id\":\"j-1\",\"reason\":" + reasonJson + "}";
  }

  private static void assertRejected(byte[] structured, byte[] binaryValue, String reasonPart) {
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(structured);
      assertThat(decoded).as("structured").isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason()).contains(reasonPart);
      Decoded binary = decoder.decode(binaryHeaders(), binaryValue);
      assertThat(binary).as("binary").isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) binary).reason()).contains(reasonPart);
    }
  }

  private static void assertAccepted(byte[] structured, byte[] binaryValue, String reason) {
    for (EventDecoder decoder : Verdicts.BOTH) {
      for (Decoded decoded :
          List.of(decoder.decode(structured), decoder.decode(binaryHeaders(), binaryValue))) {
        assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
        assertThat(((Decoded.Accepted) decoded).event().toString()).contains(reason);
      }
    }
  }

  @Test
  @DisplayName("A lone surrogate escape, as Python's json.dumps writes for a non-UTF-8 name")
  void loneSurrogateEscapeIsRejected() throws IOException {
    for (String reason :
        List.of(
            "\"caf\\udce9\"", // a low surrogate alone (surrogateescape of byte 0xE9)
            "\"x\\ud83d\"", // a high surrogate at the end of a string
            "\"x\\ud83dy\"", // a high surrogate followed by an ordinary character
            "\"x\\ud83d\\u0041\"", // a high surrogate followed by an escape that is not low
            "\"x\\\\\\udce9\"")) { // an escaped backslash, then the lone surrogate
      assertRejected(
          withReason(reason).getBytes(UTF_8),
          binaryData(reason).getBytes(UTF_8),
          "a lone UTF-16 surrogate");
    }
  }

  @Test
  @DisplayName("A surrogate pair and an escaped backslash before 'udce9' are ordinary text")
  void surrogatePairsAndEscapedBackslashesAreAccepted() throws IOException {
    assertAccepted(
        withReason("\"grinning \\ud83d\\ude00\"").getBytes(UTF_8),
        binaryData("\"grinning \\ud83d\\ude00\"").getBytes(UTF_8),
        "grinning \ud83d\ude00");
    assertAccepted(
        withReason("\"C:\\\\udce9\"").getBytes(UTF_8),
        binaryData("\"C:\\\\udce9\"").getBytes(UTF_8),
        "C:\\udce9");
  }

  /** The text backslash, u, 0, 0, 0, 0: six characters, not a NUL. */
  private static final String LITERAL_BACKSLASH_U0000 = '\\' + "u0000";

  @Test
  @DisplayName("A NUL escape is rejected, also right after an escaped backslash")
  void nulEscapeIsRejected() throws IOException {
    for (String reason :
        List.of(
            "\"super\\u0000seded\"", // the escape of NUL
            "\"x\\\\\\u0000\"", // an escaped backslash, then the escape of NUL
            "\"\\u0000\"")) {
      assertRejected(
          withReason(reason).getBytes(UTF_8), binaryData(reason).getBytes(UTF_8), "\\u0000");
    }
  }

  @Test
  @DisplayName("An escaped backslash before 'u0000' is ordinary text, not a NUL")
  void escapedBackslashBeforeU0000IsAccepted() throws IOException {
    // What json.dumps or Jackson write for the text C:, backslash, u0000 (a Windows path, or
    // PostgreSQL's own message about that escape quoted in an error): two backslashes, u0000.
    String reason = "\"C:\\\\u0000\"";
    assertAccepted(
        withReason(reason).getBytes(UTF_8),
        binaryData(reason).getBytes(UTF_8),
        "C:" + LITERAL_BACKSLASH_U0000);
  }

  @Test
  @DisplayName("A psycopg2 error quoting '\\u0000 cannot be converted to text' is accepted")
  void errorQuotingPostgresNulMessageIsAccepted() throws IOException {
    String error =
        "psycopg2.errors.UntranslatableCharacter: unsupported Unicode escape sequence\n"
            + "DETAIL:  "
            + LITERAL_BACKSLASH_U0000
            + " cannot be converted to text.";
    ObjectNode status = Verdicts.validExample("job.status-error");
    ((ObjectNode) status.get("data")).put("error", error);
    ObjectNode stageError = Verdicts.validExample("stage.error");
    ((ObjectNode) stageError.get("data"))
        .put("message", "cannot open C:" + '\\' + "jobs" + LITERAL_BACKSLASH_U0000 + "17.log");
    for (ObjectNode event : List.of(status, stageError)) {
      byte[] value = JSON.writeValueAsBytes(event);
      assertThat(new String(value, UTF_8)).contains("\\\\u0000").doesNotContain("\u0000");
      for (EventDecoder decoder : Verdicts.BOTH) {
        assertThat(decoder.decode(value))
            .as("%s (%s)", event.get("type"), decoder.validation())
            .isInstanceOf(Decoded.Accepted.class);
      }
    }
  }

  @Test
  @DisplayName("A header whose text has backslash-u0000 is accepted; a NUL character is not")
  void headerTextBackslashU0000IsNotANul() {
    List<Header> quoting = new ArrayList<>(binaryHeaders());
    quoting.add(Header.text("ce_subject", "C:" + LITERAL_BACKSLASH_U0000));
    List<Header> nul = new ArrayList<>(binaryHeaders());
    nul.add(Header.text("ce_subject", "C:" + '\u0000'));
    byte[] value = binaryData("\"r\"").getBytes(UTF_8);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded accepted = decoder.decode(quoting, value);
      assertThat(accepted).as("%s", decoder.validation()).isInstanceOf(Decoded.Accepted.class);
      assertThat(((Decoded.Accepted) accepted).json()).contains("C:\\\\u0000");
      Decoded rejected = decoder.decode(nul, value);
      assertThat(rejected).as("%s", decoder.validation()).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) rejected).reason()).startsWith("header ce_subject: ");
    }
  }

  @Test
  @DisplayName("A UTF-8 byte order mark before the value")
  void byteOrderMarkIsRejected() throws IOException {
    assertRejected(
        ("\uFEFF" + cancelled()).getBytes(UTF_8),
        ("\uFEFF" + binaryData("\"r\"")).getBytes(UTF_8),
        "byte order mark");
  }

  @Test
  @DisplayName("A value in UTF-16 (as .NET and PowerShell write by default), which is not UTF-8")
  void utf16IsRejected() throws IOException {
    assertRejected(
        cancelled().getBytes(StandardCharsets.UTF_16LE),
        binaryData("\"r\"").getBytes(StandardCharsets.UTF_16LE),
        "NUL byte");
    assertRejected(
        cancelled().getBytes(StandardCharsets.UTF_16BE),
        binaryData("\"r\"").getBytes(StandardCharsets.UTF_16BE),
        "NUL byte");
  }
}
