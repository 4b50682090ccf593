package io.jobwatch.kafka;

import io.jobwatch.contract.BinaryMode;
import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.pipeline.Item;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Decodes consumed records, in either CloudEvents content mode, with the contract's {@link
 * EventDecoder}. Thread-safe.
 */
public final class KafkaRecordDecoder implements RecordDecoder {
  private final EventDecoder decoder;

  public KafkaRecordDecoder(EventDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public Item decode(ConsumerRecord<byte[], byte[]> record) {
    Decoded decoded = decoder.decode(headers(record), record.value());
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

  /** The record's headers as the contract reads them (it knows no Kafka types). */
  private static List<BinaryMode.Header> headers(ConsumerRecord<byte[], byte[]> record) {
    List<BinaryMode.Header> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new BinaryMode.Header(header.key(), header.value()));
    }
    return headers;
  }
}
