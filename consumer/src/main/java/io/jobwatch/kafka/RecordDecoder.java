package io.jobwatch.kafka;

import io.jobwatch.pipeline.Item;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Turns a consumed record into an accepted event or a dead letter; never throws. Thread-safe. */
@FunctionalInterface
public interface RecordDecoder {
  Item decode(ConsumerRecord<byte[], byte[]> record);
}
