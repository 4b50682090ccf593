package io.jobwatch.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds the CloudEvents envelopes the CLI publishes, validates them with the consumer's own {@link
 * EventDecoder}, and routes them to topic and key as {@code schemas/README.md} prescribes.
 * Thread-safe.
 */
final class CliEvents {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Reads what a user gives ({@code --data}) and the envelopes the CLI sends with every number's
   * digits: a decimal as a {@link java.math.BigDecimal} with its trailing zeros, so a trigger is
   * sent as written ({@code 12345678901234567.89}, not {@code 1.2345678901234568E16}; {@code
   * 1E+400}, not the string {@code "Infinity"}).
   */
  static final ObjectMapper EXACT =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private static final EventDecoder DECODER = new EventDecoder();

  private CliEvents() {}

  /** A fresh envelope: uuid id, source {@code /jobwatch-cli/<host>}. */
  static ObjectNode envelope(String type, Instant time, JsonNode data) {
    ObjectNode envelope = MAPPER.createObjectNode();
    envelope.put("specversion", "1.0");
    envelope.put("id", UUID.randomUUID().toString());
    envelope.put("source", "/jobwatch-cli/" + hostName());
    envelope.put("type", type);
    envelope.put("time", time.toString());
    envelope.put("datacontenttype", "application/json");
    envelope.set("data", data);
    return envelope;
  }

  /** The record to send: the envelope validated and keyed, or an exception naming the problem. */
  static OutgoingRecord record(Settings settings, ObjectNode envelope) {
    String json = envelope.toString();
    Decoded decoded = DECODER.decode(json.getBytes(StandardCharsets.UTF_8));
    if (decoded instanceof Decoded.Rejected rejected) {
      throw new InvalidEvent(rejected.reason());
    }
    String type = envelope.path("type").asText();
    JsonNode data = envelope.path("data");
    if (type.startsWith("stage.")) {
      return new OutgoingRecord(settings.errorsTopic(), data.path("service").asText(), json);
    }
    if (type.startsWith("monitor.")) {
      return new OutgoingRecord(settings.lifecycleTopic(), data.path("monitor").asText(), json);
    }
    return new OutgoingRecord(settings.lifecycleTopic(), data.path("job_id").asText(), json);
  }

  static String hostName() {
    try {
      String host = InetAddress.getLocalHost().getHostName();
      return host.isBlank() ? "localhost" : host;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** An event the contract rejects; the message is the decoder's reason. */
  static final class InvalidEvent extends JobwatchException {
    InvalidEvent(String reason) {
      super(reason);
    }
  }
}
