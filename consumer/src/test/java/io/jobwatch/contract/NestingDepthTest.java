package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.contract.BinaryMode.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One event, one verdict on its nesting depth, whichever content mode carries it: a binary record's
 * data is held to the depth its structured envelope would have (one level more), and every accepted
 * event reads back from its stored envelope. A binary record whose data nested 32 levels was
 * accepted, stored as a 33-level envelope, and then could not be read back for a refold.
 */
class NestingDepthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = DecoderLimits.defaults().maxNestingDepth();

  /** job.submitted whose data is {@code {job_id, service, trigger: {message_id, a: {a: …}}}}. */
  private static String data(int envelopeDepth) {
    // envelope 1, data 2, trigger 3, then one level per "a".
    String nest = "{}";
    for (int depth = envelopeDepth; depth > 4; depth--) {
      nest = "{\"a\":" + nest + "}";
    }
    return "{\"job_id\":\"j-deep\",\"service\":\"blast\",\"trigger\":{\"message_id\":\"m-1\",\"a\":"
        + nest
        + "}}";
  }

  private static byte[] structured(int envelopeDepth) {
    return ("{\"specversion\":\"1.0\",\"id\":\"e-deep\",\"source\":\"/scheduler/a\","
            + "\"type\":\"job.submitted\",\"time\":\"2026-11-22T10:00:00Z\",\"data\":"
            + data(envelopeDepth)
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static List<Header> headers() {
    return List.of(
        Header.text("content-type", "application/json"),
        Header.text("ce_specversion", "1.0"),
        Header.text("ce_id", "e-deep"),
        Header.text("ce_source", "/scheduler/a"),
        Header.text("ce_type", "job.submitted"),
        Header.text("ce_time", "2026-11-22T10:00:00Z"));
  }

  private static int depth(String json) throws Exception {
    return depth(JSON.readTree(json));
  }

  private static int depth(com.fasterxml.jackson.databind.JsonNode node) {
    int deepest = 0;
    for (com.fasterxml.jackson.databind.JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return node.isContainerNode() ? deepest + 1 : 0;
  }

  @Test
  @DisplayName("An envelope at the limit is accepted in both modes and reads back when stored")
  void atTheLimitBothModesAccept() throws Exception {
    assertThat(depth(new String(structured(LIMIT), StandardCharsets.UTF_8))).isEqualTo(LIMIT);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded structured = decoder.decode(structured(LIMIT));
      Decoded binary = decoder.decode(headers(), data(LIMIT).getBytes(StandardCharsets.UTF_8));
      assertThat(structured).isInstanceOf(Decoded.Accepted.class);
      assertThat(binary).isInstanceOf(Decoded.Accepted.class);
      String stored = ((Decoded.Accepted) binary).json();
      assertThat(depth(stored)).isEqualTo(LIMIT);
      assertThat(decoder.decodeStored(stored)).isEqualTo(((Decoded.Accepted) binary).event());
    }
  }

  @Test
  @DisplayName("One level deeper is rejected in both modes, for the same reason kind")
  void overTheLimitBothModesReject() {
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded structured = decoder.decode(structured(LIMIT + 1));
      Decoded binary = decoder.decode(headers(), data(LIMIT + 1).getBytes(StandardCharsets.UTF_8));
      assertThat(structured).isInstanceOf(Decoded.Rejected.class);
      assertThat(binary).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) structured).reason())
          .startsWith("JSON exceeds a parser limit");
      assertThat(((Decoded.Rejected) binary).reason())
          .isEqualTo(SchemaDecoder.dataTooDeep(DecoderLimits.defaults()));
    }
  }

  @Test
  @DisplayName("An envelope stored one level deeper (accepted in binary mode before) reads back")
  void anEnvelopeStoredBeforeTheFixReadsBack() throws Exception {
    ObjectNode envelope = (ObjectNode) JSON.readTree(structured(LIMIT + 1));
    assertThat(depth(envelope.toString())).isEqualTo(LIMIT + 1);
    for (EventDecoder decoder : Verdicts.BOTH) {
      assertThat(decoder.decodeStored(envelope.toString()).id()).isEqualTo("e-deep");
    }
  }
}
