package io.jobwatch.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecyclers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.Severity;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default path of {@link EventDecoder}: reads a record with Jackson's streaming parser straight
 * into the event records, enforcing the contract of {@code schemas/v1} in code ({@link Contract}).
 * Its verdicts and the field its reasons name are those of the schema validator ({@link
 * SchemaDecoder}); {@code StreamingDecoderProperties} and {@code ContractExamplesTest} hold them to
 * that. Stateless after construction; safe to share between threads.
 */
final class StreamingDecoder {
  private final DecoderLimits limits;
  private final JsonFactory factory;

  /**
   * Reads a binary record's value, its data, one level shallower than the envelope it stands for,
   * which is held to the structured limit ({@link SchemaDecoder#dataTooDeep}).
   */
  private final JsonFactory dataFactory;

  StreamingDecoder(DecoderLimits limits) {
    this.limits = limits;
    this.factory = SchemaDecoder.factory(limits.maxNestingDepth());
    this.dataFactory = SchemaDecoder.factory(limits.maxNestingDepth() - 1);
  }

  /** Decodes one record value in structured mode; never throws for any input. */
  Decoded decode(byte[] value) {
    if (value == null || value.length == 0) {
      return new Decoded.Rejected("empty record: a CloudEvents JSON object is expected");
    }
    try {
      String json = utf8(value);
      try (JsonParser parser = factory.createParser(value)) {
        return read(parser, json, null);
      }
    } catch (Rejection e) {
      return new Decoded.Rejected(e.getMessage());
    } catch (IOException e) {
      return new Decoded.Rejected(notJson(e));
    }
  }

  /**
   * Decodes a binary-mode record: the headers become the envelope they stand for, the value its
   * {@code data}, and that envelope is read like a structured record. A reason about an attribute
   * names its header. Never throws for any input.
   */
  Decoded decodeBinary(List<BinaryMode.Header> headers, byte[] value) {
    try {
      ObjectNode attributes = BinaryMode.envelope(headers);
      if (value == null || value.length == 0) {
        return new Decoded.Rejected(
            "empty record value: in binary content mode the value is the data JSON object");
      }
      SchemaDecoder.utf8(limits, value, "record value");
      String json = envelopeJson(attributes, value);
      try (JsonParser parser = factory.createParser(json)) {
        return read(parser, json, headers);
      }
    } catch (Rejection e) {
      return new Decoded.Rejected(e.getMessage());
    } catch (IOException e) {
      return new Decoded.Rejected(notJson(e));
    }
  }

  /**
   * The structured envelope of a binary record as JSON text: the attributes in header order, then
   * {@code data}, the value copied token by token with each number as it was sent (as the schema
   * path writes it): a decimal copied as a double would lose digits, and one beyond double range
   * would become the string {@code "-Infinity"}, which a string field would accept.
   */
  private String envelopeJson(ObjectNode attributes, byte[] value) throws IOException {
    SegmentedStringWriter text = new SegmentedStringWriter(BufferRecyclers.getBufferRecycler());
    try (JsonGenerator out = factory.createGenerator(text);
        JsonParser parser = dataFactory.createParser(value)) {
      out.writeStartObject();
      for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
        out.writeStringField(attribute.getKey(), attribute.getValue().textValue());
      }
      out.writeFieldName("data");
      try {
        if (parser.nextToken() == null) {
          throw new Rejection("not JSON: the record holds only whitespace");
        }
        Contract.copyExact(parser, out);
        expectEnd(parser);
      } catch (StreamConstraintsException e) {
        throw new Rejection(
            SchemaDecoder.isNesting(e)
                ? SchemaDecoder.dataTooDeep(limits)
                : "JSON exceeds a parser limit: " + e.getOriginalMessage());
      } catch (JsonProcessingException e) {
        throw new Rejection("not JSON: " + e.getOriginalMessage() + at(e));
      }
      out.writeEndObject();
    }
    return text.getAndClear();
  }

  /**
   * The record as text, as {@link SchemaDecoder#utf8} gives it: the lenient decoding is the strict
   * one unless it had to replace malformed bytes, which only the strict one names.
   */
  private String utf8(byte[] value) {
    if (value.length <= limits.maxRecordBytes()) {
      String text = new String(value, StandardCharsets.UTF_8);
      if (text.indexOf('\uFFFD') < 0) {
        SchemaDecoder.storable(text, "record");
        return text;
      }
    }
    return SchemaDecoder.utf8(limits, value, "record");
  }

  private static String notJson(IOException e) {
    if (e instanceof StreamConstraintsException limit) {
      return "JSON exceeds a parser limit: " + limit.getOriginalMessage();
    }
    if (e instanceof JsonProcessingException json) {
      return "not JSON: " + json.getOriginalMessage() + at(json);
    }
    return "not JSON: " + e.getMessage();
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  /** Fails unless the parser is at the end of its input. */
  private static void expectEnd(JsonParser parser) {
    try {
      if (parser.nextToken() != null) {
        throw new Rejection(
            "trailing data after the JSON value at line "
                + parser.currentLocation().getLineNr()
                + ", column "
                + parser.currentLocation().getColumnNr());
      }
    } catch (IOException e) {
      throw new Rejection(
          "trailing data after the JSON value"
              + (e instanceof JsonProcessingException json ? at(json) : ""));
    }
  }

  /**
   * Reads one event. The whole input is read even after a violation, so unparsable or trailing
   * bytes are named before any rule of the contract, as in the schema path. {@code headers} are a
   * binary record's (a reason names the header of an attribute), null for a structured one.
   */
  private Decoded read(JsonParser parser, String json, List<BinaryMode.Header> headers)
      throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new Rejection("not JSON: the record holds only whitespace");
    }
    Reading reading = new Reading();
    if (first != JsonToken.START_OBJECT) {
      reading.envelope(0, 0, "$", Contract.found(parser) + " found, object expected");
      parser.skipChildren();
    } else {
      readEnvelope(parser, reading);
    }
    expectEnd(parser);
    String violation = reading.violation();
    if (violation != null) {
      return new Decoded.Rejected(
          headers != null ? BinaryMode.nameHeaders(violation, headers) : violation);
    }
    return new Decoded.Accepted(reading.event(), reading.source, json);
  }

  private void readEnvelope(JsonParser parser, Reading reading) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      String nameProblem = Contract.attributeNameProblem(name);
      if (nameProblem != null) {
        reading.envelope(
            PROPERTY_NAMES, 0, "$", "property '" + name + "' name is not valid: " + nameProblem);
      }
      switch (name) {
        case "specversion" -> {
          reading.seen |= Contract.SPECVERSION;
          if (parser.currentToken() != JsonToken.VALUE_STRING || !"1.0".equals(parser.getText())) {
            reading.envelope(0, 0, "$.specversion", "must be the constant value '1.0'");
          }
          parser.skipChildren();
        }
        case "id" -> {
          reading.seen |= Contract.ID;
          reading.id = reading.envelopeString(parser, 1, "$.id", Contract.EVENT_ID);
        }
        case "source" -> {
          reading.seen |= Contract.SOURCE;
          reading.source = reading.envelopeString(parser, 2, "$.source", Contract.SOURCE_REFERENCE);
        }
        case "type" -> {
          reading.seen |= Contract.TYPE;
          reading.type = reading.envelopeString(parser, 3, "$.type", Contract.EVENT_TYPE);
        }
        case "time" -> {
          reading.seen |= Contract.TIME;
          reading.time = reading.envelopeString(parser, 4, "$.time", Contract.EVENT_TIME);
        }
        // Optional attributes: null is the same as absent (CloudEvents JSON format 1.0, 2.2).
        case "datacontenttype" -> {
          if (parser.currentToken() != JsonToken.VALUE_NULL) {
            reading.envelopeString(parser, 5, "$.datacontenttype", Contract.DATA_CONTENT_TYPE);
          }
        }
        case "dataschema" -> {
          if (parser.currentToken() != JsonToken.VALUE_NULL) {
            reading.envelopeString(parser, 6, "$.dataschema", Contract.DATA_SCHEMA);
          }
        }
        case "subject" -> {
          if (parser.currentToken() != JsonToken.VALUE_NULL) {
            reading.envelopeString(parser, 7, "$.subject", Contract.SUBJECT);
          }
        }
        case "data" -> {
          reading.seen |= Contract.DATA;
          if (parser.currentToken() != JsonToken.START_OBJECT) {
            reading.envelope(0, 8, "$.data", Contract.found(parser) + " found, object expected");
            parser.skipChildren();
          } else if (reading.type != null) {
            readData(parser, reading, Contract.dataOf(reading.type));
          } else {
            // The type comes later: keep the data's tokens and read them once it is known.
            reading.pendingData = TokenBuffer.asCopyOfValue(parser);
          }
        }
        default -> {
          if (!Contract.isExtensionValue(parser)) {
            reading.envelope(
                ADDITIONAL_ATTRIBUTES,
                0,
                JsonPaths.member("$", name),
                Contract.found(parser) + " found, [string, integer, boolean, null] expected");
          }
          parser.skipChildren();
        }
      }
    }
    String missing = Contract.missingAttribute(reading.seen);
    if (missing != null) {
      reading.envelope(
          REQUIRED_ATTRIBUTES, 0, "$." + missing, "required property '" + missing + "' not found");
    }
    if (!reading.hasEnvelopeViolation() && reading.type != null) {
      Contract.DataRules rules = Contract.dataOf(reading.type);
      if (rules == null) {
        reading.envelope(0, 3, "$.type", Contract.UNKNOWN_TYPE);
      } else if (reading.pendingData != null) {
        try (JsonParser data = reading.pendingData.asParser()) {
          data.nextToken();
          readData(data, reading, rules);
        }
      }
    }
  }

  /** Reads the data object the parser is at under the rules of its type (null: unknown type). */
  private void readData(JsonParser parser, Reading reading, Contract.DataRules rules)
      throws IOException {
    if (rules == null) {
      parser.skipChildren();
      return;
    }
    Map<String, Object> values = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      Contract.Member member = rules.members().get(name);
      if (member == null) {
        reading.data(
            Contract.ADDITIONAL,
            0,
            JsonPaths.member("$.data", name),
            "property '"
                + name
                + "' is not defined in the schema and the schema does not allow additional"
                + " properties");
        parser.skipChildren();
        continue;
      }
      if (member.optional() && parser.currentToken() == JsonToken.VALUE_NULL) {
        continue; // an optional member as null is the same as one left out
      }
      reading.enter(Contract.PROPERTIES, member.index());
      values.put(name, member.rule().read(parser, member.path(), reading));
      reading.leave();
    }
    for (String required : rules.required()) {
      if (!values.containsKey(required)) {
        reading.data(
            Contract.REQUIRED,
            0,
            JsonPaths.member("$.data", required),
            "required property '" + required + "' not found");
      }
    }
    reading.values = values;
  }

  /** The envelope's keywords in the order the validator reports them (properties first). */
  private static final int REQUIRED_ATTRIBUTES = 1;

  private static final int PROPERTY_NAMES = 2;
  private static final int ADDITIONAL_ATTRIBUTES = 3;

  /**
   * The state of reading one record: what the envelope said, its data's values, and the violations
   * of the envelope and of the data (only the envelope's are reported when it has any: the schema
   * path validates the envelope before the data). The reason lists them in the order the schema
   * validator reports them: an object's members (in the schema's order) before its other keywords
   * (in the schema's order), depth first. Each violation gets a key of (keyword, member or item)
   * pairs along its path; equal keys keep the order they were seen in.
   */
  static final class Reading {
    /** As many violations as the schema path names in a reason. */
    private static final int MAX_REPORTED = 3;

    int seen;
    String id;
    String source;
    String type;
    String time;
    TokenBuffer pendingData;
    Map<String, Object> values;
    private final StringBuilder rank = new StringBuilder();
    private List<Violation> envelopeViolations;
    private List<Violation> dataViolations;

    private record Violation(String key, String text) {}

    /**
     * Reading a part of the current object or array: keyword {@code phase}, member {@code index}.
     */
    void enter(int phase, int index) {
      rank.append((char) phase).append((char) Math.min(index, Character.MAX_VALUE));
    }

    void leave() {
      rank.setLength(rank.length() - 2);
    }

    private Violation violation(int phase, int index, String field, String problem) {
      String key = rank.toString() + (char) phase + (char) Math.min(index, Character.MAX_VALUE);
      return new Violation(key, field + ": " + problem);
    }

    void envelope(int phase, int index, String field, String problem) {
      if (envelopeViolations == null) {
        envelopeViolations = new ArrayList<>(2);
      }
      envelopeViolations.add(violation(phase, index, field, problem));
    }

    /** A violation of the current value itself (its type, bounds, pattern or values). */
    void data(String field, String problem) {
      data(0, 0, field, problem);
    }

    /** A violation of keyword {@code phase} of the current object or array. */
    void data(int phase, int index, String field, String problem) {
      if (dataViolations == null) {
        dataViolations = new ArrayList<>(2);
      }
      dataViolations.add(violation(phase, index, field, problem));
    }

    boolean hasViolation() {
      return envelopeViolations != null || dataViolations != null;
    }

    boolean hasEnvelopeViolation() {
      return envelopeViolations != null;
    }

    /** The reason, as the schema path writes it; null when nothing was violated. */
    String violation() {
      List<Violation> violations = envelopeViolations != null ? envelopeViolations : dataViolations;
      if (violations == null) {
        return null;
      }
      violations.sort(java.util.Comparator.comparing(Violation::key));
      String reason =
          violations.stream()
              .limit(MAX_REPORTED)
              .map(Violation::text)
              .distinct()
              .collect(java.util.stream.Collectors.joining("; "));
      int more = violations.size() - MAX_REPORTED;
      return more > 0 ? reason + " (and " + more + " more)" : reason;
    }

    /** Reads an envelope attribute's string value; null when it breaks its rule. */
    String envelopeString(JsonParser parser, int index, String field, Contract.Text rule)
        throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        envelope(0, index, field, Contract.found(parser) + " found, string expected");
        parser.skipChildren();
        return null;
      }
      String text = parser.getText();
      String problem = rule.problem(text);
      if (problem != null) {
        envelope(0, index, field, problem);
        return null;
      }
      return text;
    }

    /** The event of a record without violations; a {@link Rejection} for what the schema can't. */
    Event event() {
      Instant at = Contract.instant(time);
      Map<String, Object> data = values;
      if (type.startsWith("job.")) {
        return new JobEvent(id, at, text(data, "job_id"), text(data, "service"), job(type, data));
      }
      if (type.startsWith("monitor.")) {
        return new MonitorEvent(id, at, text(data, "monitor"), monitor(type, data));
      }
      StageKey key = new StageKey(text(data, "service"), text(data, "runner"), text(data, "stage"));
      StageReport report =
          type.equals("stage.ok")
              ? new StageReport.Ok()
              : new StageReport.Error(
                  text(data, "error_class"),
                  text(data, "message"),
                  text(data, "job_id"),
                  data.get("severity") == null
                      ? null
                      : Severity.fromWireName(text(data, "severity")));
      return new StageEvent(id, at, key, report);
    }
  }

  private static String text(Map<String, Object> data, String name) {
    return (String) data.get(name);
  }

  private static Integer integer(Map<String, Object> data, String name) {
    return (Integer) data.get(name);
  }

  @SuppressWarnings("unchecked")
  private static JobChange job(String type, Map<String, Object> data) {
    return switch (type) {
      case "job.submitted" -> {
        Object dependsOn = data.get("depends_on");
        Object labels = data.get("labels");
        yield new JobChange.Submitted(
            text(data, "runner"),
            text(data, "monitor"),
            dependsOn == null ? new ArrayList<>() : (List<JobChange.Dependency>) dependsOn,
            text(data, "trigger"),
            labels == null ? new LinkedHashMap<>() : (Map<String, String>) labels);
      }
      case "job.queued" -> new JobChange.Queued(text(data, "runner"), integer(data, "attempt"));
      case "job.waiting" -> new JobChange.Waiting(text(data, "reason"));
      case "job.started" ->
          new JobChange.Started(
              text(data, "runner"),
              integer(data, "attempt"),
              text(data, "host"),
              text(data, "monitor"));
      case "job.status" ->
          new JobChange.Status(
              integer(data, "attempt"),
              text(data, "error"),
              text(data, "warning"),
              text(data, "activity"),
              (JobChange.Progress) data.get("progress"));
      case "job.finished" ->
          new JobChange.Finished(
              text(data, "runner"), integer(data, "attempt"), integer(data, "exit_code"));
      case "job.crashed" ->
          new JobChange.Crashed(
              text(data, "runner"),
              integer(data, "attempt"),
              Blame.fromWireName(text(data, "blame")),
              text(data, "cause"),
              text(data, "details"),
              Boolean.TRUE.equals(data.get("fatal")));
      case "job.cancelled" -> new JobChange.Cancelled(text(data, "reason"));
      case "job.requeued" -> new JobChange.Requeued(integer(data, "attempt"), text(data, "reason"));
      default -> throw new IllegalStateException("the contract accepted an unmapped type " + type);
    };
  }

  private static MonitorChange monitor(String type, Map<String, Object> data) {
    return switch (type) {
      case "monitor.declared" -> {
        Contract.Schedule schedule = (Contract.Schedule) data.get("schedule");
        Contract.RunsPerPeriod perPeriod = (Contract.RunsPerPeriod) data.get("max_runs_per_period");
        yield MonitorChangeMapper.declared(
            new MonitorChangeMapper.DeclaredFields(
                text(data, "team"),
                schedule.every(),
                schedule.cron(),
                schedule.timezone(),
                text(data, "grace"),
                text(data, "max_runtime"),
                text(data, "min_runtime"),
                text(data, "start_grace"),
                integer(data, "failure_threshold"),
                integer(data, "recovery_threshold"),
                perPeriod == null ? null : perPeriod.runs(),
                perPeriod == null ? null : perPeriod.period()));
      }
      case "monitor.paused" -> new MonitorChange.Paused();
      case "monitor.resumed" -> new MonitorChange.Resumed();
      case "monitor.retired" -> new MonitorChange.Retired();
      default -> throw new IllegalStateException("the contract accepted an unmapped type " + type);
    };
  }

  static List<JobState> states(List<String> names) {
    List<JobState> states = new ArrayList<>();
    for (String name : names) {
      states.add(JobState.fromWireName(name));
    }
    return states;
  }
}
