package io.jobwatch.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.JobwatchException;
import io.jobwatch.core.Event;
import java.util.List;
import java.util.Locale;

/**
 * Turns a Kafka record value into an {@link Event}, or a rejection whose reason names the failing
 * field. The JSON Schema files in {@code schemas/v1} are the contract. By default ({@link
 * Validation#STREAMING}) a record is read with Jackson's streaming parser straight into the event
 * records, the contract enforced in code; {@link Validation#SCHEMA} parses a tree and validates it
 * with the schema files, the path the streaming one is proven equal to. Build it once; it is safe
 * to share between threads.
 */
public final class EventDecoder {
  /** How records are validated ({@code JOBWATCH_VALIDATION}). */
  public enum Validation {
    /** Streaming parser, contract in code: the default. */
    STREAMING,
    /** Tree and JSON Schema validator over the files in {@code schemas/v1}. */
    SCHEMA;

    /** The setting's value: {@code streaming} or {@code schema}; blank means streaming. */
    public static Validation fromSetting(String value) {
      if (value == null || value.isBlank()) {
        return STREAMING;
      }
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "streaming" -> STREAMING;
        case "schema" -> SCHEMA;
        default ->
            throw new JobwatchException(
                "JOBWATCH_VALIDATION must be streaming or schema, not '" + value + "'");
      };
    }
  }

  /** How both validations name a {@code data_base64} member (not an attribute name). */
  private static final String DATA_BASE64_VIOLATION = "property 'data_base64' name is not valid";

  private final Validation validation;
  private final StreamingDecoder streaming;
  private final SchemaDecoder schema;
  private final ObjectMapper storedReader;

  public EventDecoder() {
    this(DecoderLimits.defaults());
  }

  public EventDecoder(DecoderLimits limits) {
    this(limits, Validation.STREAMING);
  }

  public EventDecoder(DecoderLimits limits, Validation validation) {
    this.validation = validation;
    this.streaming = validation == Validation.STREAMING ? new StreamingDecoder(limits) : null;
    this.schema = validation == Validation.SCHEMA ? new SchemaDecoder(limits) : null;
    // One level more than the contract: a binary record's data could nest as deep as a whole
    // structured record before binary envelopes were held to the limit.
    // Numbers exactly as stored, so a refold keeps a trigger as it was sent.
    this.storedReader =
        SchemaDecoder.exact(new ObjectMapper(SchemaDecoder.factory(limits.maxNestingDepth() + 1)));
  }

  /** The validation this decoder uses. */
  public Validation validation() {
    return validation;
  }

  /**
   * Decodes one record value in structured mode; never throws for any input. A value behind
   * Confluent Schema Registry framing is read after it ({@link SchemaRegistryFraming}).
   */
  public Decoded decode(byte[] value) {
    if (SchemaRegistryFraming.isFramed(value)) {
      return SchemaRegistryFraming.named(
          value, decodeStructured(SchemaRegistryFraming.payload(value)));
    }
    return decodeStructured(value);
  }

  private Decoded decodeStructured(byte[] value) {
    Decoded decoded;
    try {
      decoded = streaming != null ? streaming.decode(value) : schema.decode(value);
    } catch (RuntimeException e) {
      return unexpected(e);
    }
    if (decoded instanceof Decoded.Rejected rejected
        && rejected.reason().contains(DATA_BASE64_VIOLATION)) {
      // What a CloudEvents SDK writes when given bytes and no JSON content type: name it first.
      return new Decoded.Rejected(
          "$.data_base64: data in base64 is not read: send data as the JSON object itself"
              + " (datacontenttype application/json); "
              + rejected.reason());
    }
    return decoded;
  }

  /**
   * Decodes a record in either CloudEvents content mode, chosen by its headers ({@link
   * BinaryMode#isBinary}). A binary record is mapped to its structured envelope, validated by the
   * same rules and kept as that envelope; a reason about an attribute names its header. A batch
   * ({@code content-type: application/cloudevents-batch+json}) is rejected as such. Never throws
   * for any input.
   */
  public Decoded decode(List<BinaryMode.Header> headers, byte[] value) {
    String batch = BinaryMode.batchContentType(headers);
    if (batch != null) {
      return new Decoded.Rejected(
          "header content-type: '"
              + batch
              + "' is the batch content mode, which jobwatch does not read: publish one event per"
              + " record (structured or binary mode)");
    }
    if (!BinaryMode.isBinary(headers)) {
      Decoded structured = decode(value);
      String misnamed = BinaryMode.misnamedAttributeHeader(headers);
      if (structured instanceof Decoded.Rejected rejected && misnamed != null) {
        return new Decoded.Rejected(
            "header "
                + misnamed
                + ": the Kafka binding names attribute headers ce_<attribute> in lower case ("
                + BinaryMode.PREFIX
                + misnamed.substring(BinaryMode.PREFIX.length()).toLowerCase(Locale.ROOT)
                + "); without one the record was read as structured: "
                + rejected.reason());
      }
      return structured;
    }
    if (SchemaRegistryFraming.isFramed(value)) {
      return SchemaRegistryFraming.named(
          value, decodeBinary(headers, SchemaRegistryFraming.payload(value)));
    }
    return decodeBinary(headers, value);
  }

  private Decoded decodeBinary(List<BinaryMode.Header> headers, byte[] value) {
    try {
      return streaming != null
          ? streaming.decodeBinary(headers, value)
          : schema.decode(headers, value);
    } catch (RuntimeException e) {
      return unexpected(e);
    }
  }

  /** A bug in a decoder still ends as a dead letter, never as an exception in the record path. */
  private static Decoded unexpected(RuntimeException e) {
    return new Decoded.Rejected("the record could not be decoded: " + e);
  }

  /**
   * Reads an event back from the envelope stored when it was accepted, without validating it again
   * (it passed the contract on its way in).
   *
   * @throws JobwatchException when the stored text is not an event any more
   */
  public Event decodeStored(String json) {
    try {
      return SchemaDecoder.toEvent(storedReader.readTree(json));
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new JobwatchException("a stored event could not be read back: " + e.getMessage(), e);
    }
  }
}
