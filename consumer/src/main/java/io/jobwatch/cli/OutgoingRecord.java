package io.jobwatch.cli;

import java.util.Objects;

/** One Kafka record as the CLI publishes or spools it: topic, key and value as text. Immutable. */
record OutgoingRecord(String topic, String key, String value) {
  OutgoingRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
  }
}
