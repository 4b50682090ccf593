package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.job.JobChange;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code trigger} is what a scheduler needs to reschedule the job, and jobwatch stores it as it is
 * (schemas/README.md): a number in it that a double cannot hold exactly (a Java scheduler's
 * BigDecimal, a Go scheduler forwarding the message's raw JSON) keeps its digits, in both content
 * modes, with both decoders, and when the event is read back from its stored envelope for a refold.
 */
class TriggerNumbersTest {
  private static final String DATA =
      "{\"job_id\":\"J1\",\"service\":\"blast\",\"trigger\":{\"message_id\":\"m1\","
          + "\"budget\":12345678901234567.89,\"ratio\":0.1000000000000000000001,"
          + "\"beyond\":1E+400,\"count\":123456789012345678901234567890}}";

  private static final String STRUCTURED =
      "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/scheduler\",\"type\":\"job.submitted\","
          + "\"time\":\"2026-11-22T10:00:00Z\",\"data\":"
          + DATA
          + "}";

  /** The same event with data first: the streaming decoder keeps it until it knows the type. */
  private static final String DATA_FIRST =
      "{\"data\":"
          + DATA
          + ",\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/scheduler\","
          + "\"type\":\"job.submitted\",\"time\":\"2026-11-22T10:00:00Z\"}";

  private static final List<BinaryMode.Header> HEADERS =
      List.of(
          BinaryMode.Header.text("ce_specversion", "1.0"),
          BinaryMode.Header.text("ce_id", "e1"),
          BinaryMode.Header.text("ce_source", "/scheduler"),
          BinaryMode.Header.text("ce_type", "job.submitted"),
          BinaryMode.Header.text("ce_time", "2026-11-22T10:00:00Z"),
          BinaryMode.Header.text("content-type", "application/json"));

  /** Reads JSON keeping every number's exact decimal value. */
  private static final ObjectMapper EXACT =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static void assertExact(String triggerJson, String what) throws IOException {
    JsonNode trigger = EXACT.readTree(triggerJson);
    assertThat(trigger.path("budget").decimalValue())
        .as("budget of %s: %s", what, triggerJson)
        .isEqualByComparingTo(new BigDecimal("12345678901234567.89"));
    assertThat(trigger.path("ratio").decimalValue())
        .as("ratio of %s: %s", what, triggerJson)
        .isEqualByComparingTo(new BigDecimal("0.1000000000000000000001"));
    assertThat(trigger.path("beyond").isNumber())
        .as("beyond of %s is still a number: %s", what, triggerJson)
        .isTrue();
    assertThat(trigger.path("beyond").decimalValue())
        .as("beyond of %s: %s", what, triggerJson)
        .isEqualByComparingTo(new BigDecimal("1E+400"));
    assertThat(trigger.path("count").bigIntegerValue())
        .as("count of %s: %s", what, triggerJson)
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
  }

  private static String triggerOf(Event event) {
    return ((JobChange.Submitted) ((JobEvent) event).change()).triggerJson();
  }

  @Test
  @DisplayName(
      "A trigger's numbers keep their exact digits when decoded (structured and binary, both"
          + " decoders), in the stored envelope and when read back from it")
  void triggerNumbersAreKeptExactly() throws IOException {
    for (EventDecoder decoder : Verdicts.BOTH) {
      String name = decoder.validation().toString();
      Decoded structured = decoder.decode(STRUCTURED.getBytes(StandardCharsets.UTF_8));
      Decoded dataFirst = decoder.decode(DATA_FIRST.getBytes(StandardCharsets.UTF_8));
      Decoded binary = decoder.decode(HEADERS, DATA.getBytes(StandardCharsets.UTF_8));
      for (Decoded decoded : List.of(structured, dataFirst, binary)) {
        String what =
            name
                + (decoded == structured
                    ? " structured"
                    : decoded == dataFirst ? " structured, data first" : " binary");
        assertThat(decoded).as(what).isInstanceOf(Decoded.Accepted.class);
        Decoded.Accepted accepted = (Decoded.Accepted) decoded;
        assertExact(triggerOf(accepted.event()), what);
        assertExact(
            EXACT.readTree(accepted.json()).path("data").path("trigger").toString(),
            what + " stored envelope");
        assertExact(triggerOf(decoder.decodeStored(accepted.json())), what + " read back");
      }
    }
  }

  @Test
  @DisplayName(
      "An integer field sent with a fraction a double cannot hold (0.99999999999999999) reads as"
          + " the whole number the streaming decoder reads, also in binary mode and read back")
  void integersWithUnrepresentableFractionsReadAlike() {
    String data =
        "{\"job_id\":\"J1\",\"attempt\":0.99999999999999999,\"exit_code\":137.0000000000000001}";
    List<BinaryMode.Header> headers =
        List.of(
            BinaryMode.Header.text("ce_specversion", "1.0"),
            BinaryMode.Header.text("ce_id", "e2"),
            BinaryMode.Header.text("ce_source", "/runner"),
            BinaryMode.Header.text("ce_type", "job.finished"),
            BinaryMode.Header.text("ce_time", "2026-11-22T10:00:00Z"));
    JobChange.Finished expected = new JobChange.Finished(null, 1, 137);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(headers, data.getBytes(StandardCharsets.UTF_8));
      assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Accepted.class);
      Decoded.Accepted accepted = (Decoded.Accepted) decoded;
      assertThat(((JobEvent) accepted.event()).change())
          .as("%s", decoder.validation())
          .isEqualTo(expected);
      assertThat(((JobEvent) decoder.decodeStored(accepted.json())).change())
          .as("%s read back from %s", decoder.validation(), accepted.json())
          .isEqualTo(expected);
    }
  }
}
