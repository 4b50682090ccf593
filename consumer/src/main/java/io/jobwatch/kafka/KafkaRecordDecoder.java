package io.jobwatch.kafka;

import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.pipeline.Item;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decodes consumed records with the contract's {@link EventDecoder}. Thread-safe. */
public final class KafkaRecordDecoder implements RecordDecoder {
  private final EventDecoder decoder;

  public KafkaRecordDecoder(EventDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public Item decode(ConsumerRecord<byte[], byte[]> record) {
    Decoded decoded = decoder.decode(record.value());
    if (decoded instanceof Decoded.Accepted accepted) {
      return new Item.Valid(
          record.topic(),
          record.partition(),
          record.offset(),
          accepted.event(),
          accepted.source(),
          accepted.json());
    }
    return new Item.Invalid(
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        record.value(),
        ((Decoded.Rejected) decoded).reason());
  }
}
