package io.jobwatch.kafka;

import io.jobwatch.contract.BinaryMode;
import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.ClockSkew;
import io.jobwatch.core.Event;
import io.jobwatch.core.PartitionKey;
import io.jobwatch.pipeline.Item;
import io.jobwatch.pipeline.RecordHeader;
import io.jobwatch.pipeline.RecordMeta;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Decodes consumed records, in either CloudEvents content mode, with the contract's {@link
 * EventDecoder}, checks that the record key is the one the contract names ({@link PartitionKey})
 * and bounds event times that run ahead of the record timestamp ({@link ClockSkew}). Thread-safe
 * when the listener is.
 */
public final class KafkaRecordDecoder implements RecordDecoder {
  private static final int MAX_KEY_IN_REASON = 200;

  /** Told of every event whose time was bounded; called from the decoding threads. */
  @FunctionalInterface
  public interface SkewListener {
    void clockSkewed(String topic);
  }

  private final EventDecoder decoder;
  private final ClockSkew clockSkew;
  private final SkewListener skewListener;

  public KafkaRecordDecoder(EventDecoder decoder) {
    this(decoder, new ClockSkew(ClockSkew.DEFAULT_MAX_SKEW), topic -> {});
  }

  public KafkaRecordDecoder(EventDecoder decoder, ClockSkew clockSkew, SkewListener skewListener) {
    this.decoder = decoder;
    this.clockSkew = clockSkew;
    this.skewListener = skewListener;
  }

  @Override
  public Item decode(ConsumerRecord<byte[], byte[]> record) {
    RecordMeta meta = meta(record);
    Decoded decoded = decoder.decode(headers(meta), record.value());
    if (decoded instanceof Decoded.Accepted accepted) {
      PartitionKey expected = PartitionKey.of(accepted.event());
      String key = keyText(record.key());
      if (!expected.matches(key)) {
        return invalid(
            record,
            expected.mismatch(shorten(key, record.key())) + KeyHint.of(expected, key, record.key()),
            meta);
      }
      Event event = clockSkew.bound(accepted.event(), meta.timestamp());
      if (event != accepted.event()) {
        skewListener.clockSkewed(record.topic());
      }
      return new Item.Valid(
          record.topic(),
          record.partition(),
          record.offset(),
          event,
          accepted.source(),
          accepted.json(),
          meta);
    }
    return invalid(record, ((Decoded.Rejected) decoded).reason(), meta);
  }

  private static Item.Invalid invalid(
      ConsumerRecord<byte[], byte[]> record, String reason, RecordMeta meta) {
    return new Item.Invalid(
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        record.value(),
        reason,
        meta);
  }

  /** The record's key, timestamp and headers, kept with it whatever becomes of it. */
  static RecordMeta meta(ConsumerRecord<byte[], byte[]> record) {
    List<RecordHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new RecordHeader(header.key(), header.value()));
    }
    Instant timestamp = record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp());
    return new RecordMeta(record.key(), timestamp, headers);
  }

  /** The key as strict UTF-8 text; a key that is not UTF-8 cannot equal any id. */
  private static String keyText(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The actual key for the reason: text (shortened, with quotes, backslashes and control characters
   * escaped as in JSON, so a CR from a Windows script shows as {@code \r}) or, if not UTF-8,
   * base64.
   */
  private static String shorten(String text, byte[] key) {
    if (key == null) {
      return null;
    }
    String shown = text != null ? text : "base64:" + Base64.getEncoder().encodeToString(key);
    if (shown.length() > MAX_KEY_IN_REASON) {
      shown = shown.substring(0, MAX_KEY_IN_REASON) + "…";
    }
    return KeyHint.escaped(shown);
  }

  /** The record's headers as the contract reads them (it knows no Kafka types). */
  private static List<BinaryMode.Header> headers(RecordMeta meta) {
    List<BinaryMode.Header> headers = new ArrayList<>(meta.headers().size());
    for (RecordHeader header : meta.headers()) {
      headers.add(new BinaryMode.Header(header.key(), header.value()));
    }
    return headers;
  }
}
