package io.jobwatch.bench;

import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Kafka consumers for the contenders that run their own loop. Stateless; thread-safe. */
final class PlainConsumers {
  private PlainConsumers() {}

  static KafkaConsumer<byte[], byte[]> subscribe(ChildConfig config, boolean autoCommit) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, Boolean.toString(autoCommit));
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, RecordClock.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties);
    consumer.subscribe(List.of(config.lifecycleTopic(), config.errorsTopic()));
    return consumer;
  }
}
