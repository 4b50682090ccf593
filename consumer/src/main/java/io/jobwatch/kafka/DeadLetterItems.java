package io.jobwatch.kafka;

import io.jobwatch.pipeline.Item;
import io.jobwatch.pipeline.RecordMeta;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a consumed record into a dead letter with its original key and value: the one place the
 * consumer builds an {@link Item.Invalid} itself. Stateless and thread-safe.
 */
final class DeadLetterItems {
  private static final int MAX_REASON_CHARS = 2000;

  private DeadLetterItems() {}

  /** The record as a dead letter; the reason loses NUL characters, which text cannot hold. */
  static Item.Invalid of(ConsumerRecord<byte[], byte[]> record, String reason) {
    return of(record, reason, KafkaRecordDecoder.meta(record));
  }

  private static Item.Invalid of(
      ConsumerRecord<byte[], byte[]> record, String reason, RecordMeta meta) {
    return new Item.Invalid(
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        record.value(),
        clean(reason),
        meta);
  }

  /**
   * The record as a dead letter without its headers: the last resort when the database refused the
   * dead letter with them, so that nothing of the record but its key and value bytes can stop it
   * from being stored.
   */
  static Item.Invalid withoutHeaders(ConsumerRecord<byte[], byte[]> record, String reason) {
    RecordMeta meta = KafkaRecordDecoder.meta(record);
    return of(record, reason, new RecordMeta(meta.key(), meta.timestamp(), List.of()));
  }

  /** Decodes a record; a decoder that throws turns the record into a dead letter, never a stall. */
  static Item decode(RecordDecoder decoder, ConsumerRecord<byte[], byte[]> record) {
    try {
      return decoder.decode(record);
    } catch (RuntimeException | StackOverflowError e) {
      return of(record, "decoding this record failed: " + Failures.describe(e));
    }
  }

  private static String clean(String reason) {
    String text = reason == null ? "no reason given" : reason.replace('\u0000', '?');
    return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) : text;
  }
}
