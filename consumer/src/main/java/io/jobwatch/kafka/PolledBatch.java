package io.jobwatch.kafka;

import io.jobwatch.pipeline.Item;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one poll, decoded in their order, each item remembering its consumed record (for a
 * dead letter with the original key and value), with what the poll left behind ({@link
 * ProgressTracker.Snapshot}). Immutable once decoded; built on the decoding thread, then owned by
 * the consumer thread.
 */
final class PolledBatch {
  private final List<Item> items;
  private final Map<Item, ConsumerRecord<byte[], byte[]>> records;
  private final ProgressTracker.Snapshot progress;

  private PolledBatch(
      List<Item> items,
      Map<Item, ConsumerRecord<byte[], byte[]>> records,
      ProgressTracker.Snapshot progress) {
    this.items = items;
    this.records = records;
    this.progress = progress;
  }

  /**
   * Decodes every record; decoding and schema validation are CPU-bound and independent per record,
   * so they are spread over the cores, and the list keeps the records' order. A decoder failure
   * makes a dead letter of that record only.
   */
  static PolledBatch decode(
      ConsumerRecords<byte[], byte[]> polled,
      RecordDecoder decoder,
      ProgressTracker.Snapshot progress) {
    List<ConsumerRecord<byte[], byte[]>> consumed = new ArrayList<>(polled.count());
    for (ConsumerRecord<byte[], byte[]> record : polled) {
      consumed.add(record);
    }
    List<Item> items =
        consumed.parallelStream().map(record -> DeadLetterItems.decode(decoder, record)).toList();
    Map<Item, ConsumerRecord<byte[], byte[]>> records = new IdentityHashMap<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      records.put(items.get(i), consumed.get(i));
    }
    return new PolledBatch(items, records, progress);
  }

  List<Item> items() {
    return items;
  }

  ProgressTracker.Snapshot progress() {
    return progress;
  }

  /**
   * This batch without any record of {@code dropped}: every record of such a partition goes, so
   * what remains of each other partition is still its whole contiguous run.
   */
  PolledBatch without(Collection<TopicPartition> dropped) {
    if (dropped.isEmpty()) {
      return this;
    }
    List<Item> kept = new ArrayList<>(items.size());
    for (Item item : items) {
      if (!dropped.contains(new TopicPartition(item.topic(), item.partition()))) {
        kept.add(item);
      }
    }
    return kept.size() == items.size()
        ? this
        : new PolledBatch(List.copyOf(kept), records, progress);
  }

  /** The consumed record an item of this batch was decoded from. */
  ConsumerRecord<byte[], byte[]> recordOf(Item item) {
    ConsumerRecord<byte[], byte[]> record = records.get(item);
    if (record == null) {
      throw new IllegalArgumentException("not an item of this batch: " + item.offset());
    }
    return record;
  }

  static Set<TopicPartition> partitionsOf(List<Item> items) {
    Set<TopicPartition> partitions = new HashSet<>();
    for (Item item : items) {
      partitions.add(new TopicPartition(item.topic(), item.partition()));
    }
    return partitions;
  }
}
