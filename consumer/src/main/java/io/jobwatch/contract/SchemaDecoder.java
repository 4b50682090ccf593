package io.jobwatch.contract;

import static io.jobwatch.contract.Fields.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.Severity;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The schema path of {@link EventDecoder} ({@code JOBWATCH_VALIDATION=schema}): parses each record
 * into a tree, validates it with the JSON Schema files in {@code schemas/v1} and maps the tree to
 * an {@link Event}. It is the oracle the streaming decoder is tested against. This class only adds
 * the limits that protect the parser and the checks JSON Schema cannot express. Build it once; it
 * is safe to share between threads.
 */
final class SchemaDecoder {
  private final DecoderLimits limits;
  private final ObjectMapper mapper;

  /** Reads a binary record's value, its data, one level shallower than an envelope. */
  private final ObjectMapper dataMapper;

  /**
   * Reads an accepted record again for what is kept of it (the event, a binary record's stored
   * envelope) with every number as it was sent; the validation reads doubles, as the streaming
   * decoder does.
   */
  private final ObjectMapper exactMapper;

  private final EventSchema schema = new EventSchema();

  SchemaDecoder(DecoderLimits limits) {
    this.limits = limits;
    this.mapper = new ObjectMapper(factory(limits.maxNestingDepth()));
    this.dataMapper = new ObjectMapper(factory(limits.maxNestingDepth() - 1));
    this.exactMapper = exact(new ObjectMapper(factory(limits.maxNestingDepth())));
  }

  /**
   * {@code mapper} reading every number with the digits it was sent with: a decimal as a {@link
   * java.math.BigDecimal} that keeps its trailing zeros ({@code 1.0} stays {@code 1.0}), so a
   * {@code trigger} is kept as it is and a number beyond double range stays a number.
   */
  static ObjectMapper exact(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    return mapper;
  }

  /** The JSON parsers of both decoders: this nesting limit, duplicate names rejected. */
  static JsonFactory factory(int maxNestingDepth) {
    return JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /**
   * Why a binary record's data is too deep: its envelope, one level more, would exceed the limit a
   * structured record is held to, so both modes give one verdict for one event (and every stored
   * envelope reads back within the limit).
   */
  static String dataTooDeep(DecoderLimits limits) {
    return "JSON exceeds a parser limit: the data nests more than "
        + (limits.maxNestingDepth() - 1)
        + " levels deep, so its envelope nests more than "
        + limits.maxNestingDepth();
  }

  /** Decodes one record value in structured mode; never throws for any input. */
  Decoded decode(byte[] value) {
    if (value == null || value.length == 0) {
      return new Decoded.Rejected("empty record: a CloudEvents JSON object is expected");
    }
    try {
      String json = utf8(limits, value, "record");
      JsonNode event = parse(json);
      Optional<String> violation = schema.violationsByType(event);
      if (violation.isPresent()) {
        return new Decoded.Rejected(violation.get());
      }
      // Only a trigger is kept as sent; every other number of an event is an integer.
      JsonNode kept = event.path("data").has("trigger") ? exactMapper.readTree(json) : event;
      return new Decoded.Accepted(toEvent(kept), text(event, "source"), json);
    } catch (Rejection e) {
      return new Decoded.Rejected(e.getMessage());
    } catch (JsonProcessingException e) {
      return new Decoded.Rejected("the record could not be read again: " + e);
    }
  }

  /**
   * Decodes a record in either CloudEvents content mode, chosen by its headers ({@link
   * BinaryMode#isBinary}). A binary record is mapped to its structured envelope, validated by the
   * same schema and kept as that envelope; a reason about an attribute names its header. Never
   * throws for any input.
   */
  Decoded decode(List<BinaryMode.Header> headers, byte[] value) {
    if (!BinaryMode.isBinary(headers)) {
      return decode(value);
    }
    try {
      ObjectNode envelope = BinaryMode.envelope(headers);
      if (value == null || value.length == 0) {
        return new Decoded.Rejected(
            "empty record value: in binary content mode the value is the data JSON object");
      }
      String data = utf8(limits, value, "record value");
      ObjectNode kept = envelope.deepCopy();
      envelope.set("data", parse(dataMapper, data));
      Optional<String> violation = schema.violationsByType(envelope);
      if (violation.isPresent()) {
        return new Decoded.Rejected(BinaryMode.nameHeaders(violation.get(), headers));
      }
      kept.set("data", exactMapper.readTree(data));
      return new Decoded.Accepted(
          toEvent(kept), text(envelope, "source"), exactMapper.writeValueAsString(kept));
    } catch (Rejection e) {
      return new Decoded.Rejected(e.getMessage());
    } catch (JsonProcessingException e) {
      return new Decoded.Rejected("the binary record could not be written as JSON: " + e);
    }
  }

  /** The bytes as UTF-8 text within the size limit, or a {@link Rejection}. */
  static String utf8(DecoderLimits limits, byte[] value, String what) {
    if (value.length > limits.maxRecordBytes()) {
      throw new Rejection(
          what + " of " + value.length + " bytes exceeds " + limits.maxRecordBytes());
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Rejection(what + " is not valid UTF-8: " + e.getMessage());
    }
    storable(text, what);
    return text;
  }

  /**
   * Rejects UTF-8 text that a JSON parser may read but PostgreSQL's jsonb cannot store, before
   * either decoder parses it (so both give the same verdict): a byte order mark (Jackson skips it,
   * jsonb refuses it), a NUL byte (UTF-16 text, which Jackson would detect and read), the escape of
   * NUL, backslash-u0000 (no PostgreSQL text can hold NUL), and a backslash-u escape of a lone
   * UTF-16 surrogate (Python's {@code json.dumps} writes one for a file name that is not UTF-8).
   * One pass from backslash to backslash reads the escapes as the parser does, each pair such as an
   * escaped backslash skipped whole: the text backslash-u0000, which JSON writes as two backslashes
   * and u0000, is ordinary text, not a NUL.
   */
  static void storable(String text, String what) {
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      throw new Rejection(
          what
              + " starts with a byte order mark, which PostgreSQL's jsonb does not accept:"
              + " send UTF-8 without one");
    }
    // UTF-16 (or 32) JSON has a NUL byte among its first two: Jackson would detect and read it. A
    // NUL byte anywhere else is not JSON, which the parser says.
    if ((!text.isEmpty() && text.charAt(0) == '\u0000')
        || (text.length() > 1 && text.charAt(1) == '\u0000')) {
      throw new Rejection(what + " contains a NUL byte: not UTF-8 JSON (UTF-16?)");
    }
    for (int i = text.indexOf('\\'); i >= 0 && i + 1 < text.length(); ) {
      if (text.charAt(i + 1) != 'u') {
        i = text.indexOf('\\', i + 2); // an escape pair such as \\ or \"
        continue;
      }
      int unit = hex4(text, i + 2);
      if (Character.isHighSurrogate((char) unit)) {
        int next = text.startsWith("\\u", i + 6) ? hex4(text, i + 8) : -1;
        if (!Character.isLowSurrogate((char) next) || next < 0) {
          throw loneSurrogate(what, text, i);
        }
        i = text.indexOf('\\', i + 12);
      } else if (Character.isLowSurrogate((char) unit)) {
        throw loneSurrogate(what, text, i);
      } else if (unit == 0) {
        throw new Rejection(
            what + " contains \\u0000, which PostgreSQL cannot store in text or jsonb");
      } else {
        i = text.indexOf('\\', i + 2);
      }
    }
  }

  private static Rejection loneSurrogate(String what, String text, int at) {
    return new Rejection(
        what
            + " contains "
            + text.substring(at, Math.min(text.length(), at + 6))
            + ", a lone UTF-16 surrogate, which PostgreSQL's jsonb cannot store");
  }

  /** The four hex digits at {@code at} as a number, or -1. */
  private static int hex4(String text, int at) {
    if (at + 4 > text.length()) {
      return -1;
    }
    int value = 0;
    for (int i = at; i < at + 4; i++) {
      int digit = Character.digit(text.charAt(i), 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /** Parses exactly one JSON value within the nesting limit, or throws a {@link Rejection}. */
  private JsonNode parse(String json) {
    return parse(mapper, json);
  }

  private JsonNode parse(ObjectMapper mapper, String json) {
    try (JsonParser parser = mapper.createParser(json)) {
      JsonNode tree = mapper.readTree(parser);
      if (tree == null) {
        throw new Rejection("not JSON: the record holds only whitespace");
      }
      try {
        if (parser.nextToken() != null) {
          throw new Rejection("trailing data after the JSON value" + at(parser));
        }
      } catch (JsonProcessingException e) {
        throw new Rejection("trailing data after the JSON value" + at(e));
      }
      return tree;
    } catch (StreamConstraintsException e) {
      throw new Rejection(
          mapper == dataMapper && isNesting(e)
              ? dataTooDeep(limits)
              : "JSON exceeds a parser limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new Rejection("not JSON: " + e.getOriginalMessage() + at(e));
    } catch (IOException e) {
      throw new Rejection("not JSON: " + e.getMessage());
    }
  }

  static boolean isNesting(StreamConstraintsException e) {
    return e.getOriginalMessage().contains("nesting depth");
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String at(JsonParser parser) {
    return " at line "
        + parser.currentLocation().getLineNr()
        + ", column "
        + parser.currentLocation().getColumnNr();
  }

  static Event toEvent(JsonNode event) {
    String id = event.get("id").asText();
    Instant time = time(event.get("time").asText());
    String type = event.get("type").asText();
    JsonNode data = event.get("data");
    if (type.startsWith("job.")) {
      return new JobEvent(
          id,
          time,
          data.get("job_id").asText(),
          text(data, "service"),
          JobChangeMapper.map(type, data));
    }
    if (type.startsWith("monitor.")) {
      return new MonitorEvent(
          id, time, data.get("monitor").asText(), MonitorChangeMapper.map(type, data));
    }
    StageKey key =
        new StageKey(
            data.get("service").asText(), data.get("runner").asText(), data.get("stage").asText());
    return new StageEvent(id, time, key, stageReport(type, data));
  }

  private static StageReport stageReport(String type, JsonNode data) {
    if (type.equals("stage.ok")) {
      return new StageReport.Ok();
    }
    String severity = text(data, "severity");
    return new StageReport.Error(
        text(data, "error_class"),
        text(data, "message"),
        text(data, "job_id"),
        severity == null ? null : Severity.fromWireName(severity));
  }

  /**
   * RFC 3339 allows lower-case 't' and 'z'; java.time wants them upper-case. A leap second (second
   * 60, which the date-time format has checked) is second 59 of its minute, as {@link
   * Instant#parse} reads it in the Z form, in every notation: {@link OffsetDateTime} refuses it.
   */
  static Instant time(String text) {
    try {
      // The common form (UTC, upper-case Z) parses much faster as an Instant.
      if (text.endsWith("Z") && text.indexOf('t') < 0) {
        return Instant.parse(text);
      }
      String upper = text.toUpperCase(Locale.ROOT);
      if (upper.length() > 19 && upper.charAt(16) == ':' && upper.startsWith("60", 17)) {
        upper = upper.substring(0, 17) + "59" + upper.substring(19);
      }
      return OffsetDateTime.parse(upper).toInstant();
    } catch (DateTimeException e) {
      throw Rejection.field("$.time", "not a valid RFC 3339 date-time '" + text + "'");
    }
  }
}
