package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The Kafka consumer's client properties. Stateless and thread-safe. */
final class ConsumerProperties {
  private ConsumerProperties() {}

  /** Ours, then any JOBWATCH_KAFKA_* pass-through on top. */
  static Properties of(Settings settings) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // A position the broker no longer holds is reported, not reset in silence: OutOfRange moves
    // it to the log start, stores the move and counts what retention deleted unread.
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    properties.put(
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxPollRecords()));
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A topic not created yet is waited for, never created: on a broker that creates topics on
    // demand (Kafka's default) the client's subscription would create it with the broker's
    // defaults (one partition), and the platform team's own create would then fail.
    properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // Partitions added to a topic are assigned once the client's metadata shows them: within 30 s
    // rather than the default 5 minutes, during which their records are in no lag and no
    // watermark (a monitor whose run landed there would be judged without it).
    properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "30000");
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwatch-" + ProcessHandle.current().pid());
    properties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.putAll(settings.kafkaOverrides());
    return properties;
  }
}
