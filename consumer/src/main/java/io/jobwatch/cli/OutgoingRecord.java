package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jobwatch.JobwatchException;
import io.jobwatch.contract.BinaryMode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Kafka record as the CLI publishes or spools it: topic, key, value and headers as text (empty
 * in structured mode). Immutable.
 */
record OutgoingRecord(String topic, String key, String value, Map<String, String> headers) {
  OutgoingRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A structured-mode record, without headers. */
  OutgoingRecord(String topic, String key, String value) {
    this(topic, key, value, Map.of());
  }

  /**
   * This record in {@code mode}. A structured record (its value the envelope) becomes {@code ce_}
   * headers, {@code content-type} and the data as the value; the envelope was validated before.
   */
  OutgoingRecord in(ContentMode mode) {
    if (mode == ContentMode.STRUCTURED || !headers.isEmpty()) {
      return this;
    }
    try {
      BinaryMode.Binary binary = BinaryMode.fromEnvelope(CliEvents.EXACT.readTree(value));
      Map<String, String> binaryHeaders = new LinkedHashMap<>();
      for (BinaryMode.Header header : binary.headers()) {
        binaryHeaders.put(header.name(), new String(header.value(), StandardCharsets.UTF_8));
      }
      return new OutgoingRecord(topic, key, binary.value(), binaryHeaders);
    } catch (JsonProcessingException e) {
      throw new JobwatchException("an outgoing record's value is not an envelope: " + value, e);
    }
  }
}
