package io.jobwatch.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The consume ceiling: reads every record and drops it. Thread-safe as {@link LoopContender}. */
final class DiscardContender extends LoopContender {
  @Override
  protected void open(ChildConfig config) {}

  @Override
  protected boolean autoCommit() {
    return true;
  }

  @Override
  protected void apply(
      KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      latency.record(now - record.timestamp());
    }
    handled.addAndGet(records.count());
  }
}
