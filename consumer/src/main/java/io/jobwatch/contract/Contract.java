package io.jobwatch.contract;

import com.ethlo.time.ITU;
import com.ethlo.time.LeapSecondException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobState;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The v1 contract ({@code schemas/v1}) written as code for {@link StreamingDecoder}: the rule of
 * every envelope attribute and of every member of each type's data, with the reasons the schema
 * validator gives. Patterns keep the validator's regular-expression dialect (java.util.regex,
 * searched with {@code find}, so a final {@code $} also matches before one trailing line
 * terminator). {@code StreamingDecoderProperties} proves the verdicts equal to the schema files.
 * Stateless apart from a bounded cache of checked sources; safe to share between threads.
 */
final class Contract {
  private Contract() {}

  static final int SPECVERSION = 1;
  static final int ID = 2;
  static final int SOURCE = 4;
  static final int TYPE = 8;
  static final int TIME = 16;
  static final int DATA = 32;

  private static final String[] REQUIRED_ATTRIBUTES = {
    "specversion", "id", "source", "type", "time", "data"
  };

  static final List<String> TYPES =
      List.of(
          "job.submitted",
          "job.queued",
          "job.waiting",
          "job.started",
          "job.status",
          "job.finished",
          "job.crashed",
          "job.cancelled",
          "job.requeued",
          "stage.error",
          "stage.ok",
          "monitor.declared",
          "monitor.paused",
          "monitor.resumed",
          "monitor.retired");

  static final String UNKNOWN_TYPE = "unknown event type; known types are " + TYPES;

  /** The first required attribute not seen, or null. */
  static String missingAttribute(int seen) {
    for (int i = 0; i < REQUIRED_ATTRIBUTES.length; i++) {
      if ((seen & (1 << i)) == 0) {
        return REQUIRED_ATTRIBUTES[i];
      }
    }
    return null;
  }

  /** The JSON Schema type name of the value the parser is at, as the validator reports it. */
  static String found(JsonParser parser) {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return "null";
    }
    return switch (token) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT -> "integer";
      case VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      default -> "null";
    };
  }

  /** A value JSON Schema counts as an integer: an integer, or a number with no fraction. */
  private static boolean isWhole(JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return true;
    }
    if (parser.currentToken() != JsonToken.VALUE_NUMBER_FLOAT) {
      return false;
    }
    double value = parser.getDoubleValue();
    return !Double.isInfinite(value) && value == Math.rint(value);
  }

  /** An extension attribute's value: a string, an integer, a boolean or null. */
  static boolean isExtensionValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    return token == JsonToken.VALUE_STRING
        || token == JsonToken.VALUE_TRUE
        || token == JsonToken.VALUE_FALSE
        || token == JsonToken.VALUE_NULL
        || isWhole(parser);
  }

  /** Why an envelope member's name is not a CloudEvents attribute name, or null. */
  static String attributeNameProblem(String name) {
    if (codePoints(name) > 50) {
      return "must be at most 50 characters long";
    }
    return matches(name, Contract::isAttributeChar, Contract::isAttributeChar)
        ? null
        : "does not match the regex pattern ^[a-z0-9]+$(?![\\s\\S])";
  }

  // ---- strings ------------------------------------------------------------------------------

  /** The rule of a string value: null when it holds, else the problem (without the field). */
  @FunctionalInterface
  interface Text {
    String problem(String text);
  }

  private static Text length(int min, int max) {
    return text -> {
      int length = text.length();
      if (length < min || length > max || min > 1) {
        int codePoints = codePoints(text);
        if (codePoints < min) {
          return "must be at least " + min + " characters long";
        }
        if (codePoints > max) {
          return "must be at most " + max + " characters long";
        }
      }
      return null;
    };
  }

  private static Text and(Text first, Text second) {
    return text -> {
      String problem = first.problem(text);
      return problem != null ? problem : second.problem(text);
    };
  }

  private static Text charPattern(CharRule first, CharRule rest, String pattern) {
    String problem = "does not match the regex pattern " + pattern;
    return text -> matches(text, first, rest) ? null : problem;
  }

  private static Text regex(String pattern) {
    Pattern compiled = Pattern.compile(pattern);
    String problem = "does not match the regex pattern " + pattern;
    return text -> compiled.matcher(text).find() ? null : problem;
  }

  static final Text EVENT_ID = length(1, 200);
  static final Text EVENT_TYPE = length(1, 100);
  static final Text SUBJECT = length(0, 500);

  private static final Map<String, Boolean> CHECKED_SOURCES = new ConcurrentHashMap<>();
  private static final int MAX_CHECKED_SOURCES = 4096;

  /** Sources repeat (one per publisher), so their URI check is remembered. */
  static final Text SOURCE_REFERENCE =
      and(
          length(1, 500),
          text -> {
            Boolean valid = CHECKED_SOURCES.get(text);
            if (valid == null) {
              valid = isUriReference(text, false);
              if (CHECKED_SOURCES.size() < MAX_CHECKED_SOURCES) {
                CHECKED_SOURCES.put(text, valid);
              }
            }
            return valid
                ? null
                : "does not match the uri-reference pattern must be a valid RFC 3986 URI-reference";
          });

  static final Text DATA_SCHEMA =
      and(
          length(0, 500),
          text ->
              isUriReference(text, true)
                  ? null
                  : "does not match the uri pattern must be a valid RFC 3986 URI");

  /** Media types are case-insensitive (RFC 2045 5.1, RFC 9110 8.3.1): Application/JSON is JSON. */
  static final Text DATA_CONTENT_TYPE =
      regex(
          "^[Aa][Pp][Pp][Ll][Ii][Cc][Aa][Tt][Ii][Oo][Nn]/[Jj][Ss][Oo][Nn](\\s*;.*)?$(?![\\s\\S])");

  private static final String TIME_PATTERN =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$(?![\\s\\S])";

  static final Text EVENT_TIME =
      text ->
          !isDateTime(text)
              ? "does not match the date-time pattern must be a valid RFC 3339 date-time"
              : isTimePattern(text) ? null : "does not match the regex pattern " + TIME_PATTERN;

  /** {@link #TIME_PATTERN} written out: it is checked on every record. */
  private static boolean isTimePattern(String text) {
    int end = contentEnd(text);
    if (end < 20
        || !digits(text, 0, 4)
        || text.charAt(4) != '-'
        || !digits(text, 5, 7)
        || text.charAt(7) != '-'
        || !digits(text, 8, 10)
        || (text.charAt(10) != 'T' && text.charAt(10) != 't')
        || !digits(text, 11, 13)
        || text.charAt(13) != ':'
        || !digits(text, 14, 16)
        || text.charAt(16) != ':'
        || !digits(text, 17, 19)) {
      return false;
    }
    int at = 19;
    if (text.charAt(at) == '.') {
      int fraction = at + 1;
      while (fraction < end && isDigit(text.charAt(fraction))) {
        fraction++;
      }
      if (fraction - at - 1 < 1 || fraction - at - 1 > 9) {
        return false;
      }
      at = fraction;
    }
    if (at >= end) {
      return false;
    }
    char zone = text.charAt(at);
    if (zone == 'Z' || zone == 'z') {
      return at + 1 == end;
    }
    return (zone == '+' || zone == '-')
        && at + 6 == end
        && digits(text, at + 1, at + 3)
        && text.charAt(at + 3) == ':'
        && digits(text, at + 4, at + 6);
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The instant of a valid {@code time}, exactly as {@link SchemaDecoder#time} reads it (which also
   * rejects what java.time cannot read: a trailing line break the pattern lets through, an offset
   * beyond 18 hours). The common form, UTC with upper-case {@code T} and {@code Z}, is read
   * directly; a leap second or any other form goes through java.time.
   */
  static java.time.Instant instant(String text) {
    int length = text.length();
    if (length > 0 && text.charAt(length - 1) == 'Z' && text.indexOf('t') < 0) {
      try {
        return ITU.parseDateTime(text).toInstant();
      } catch (RuntimeException leapSecond) {
        // java.time below
      }
    }
    return SchemaDecoder.time(text);
  }

  /** {@code format: date-time} as the validator checks it (RFC 3339, known leap seconds). */
  private static boolean isDateTime(String text) {
    try {
      ITU.parseDateTime(text);
      return true;
    } catch (LeapSecondException e) {
      return e.isVerifiedValidLeapYearMonth();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static final Pattern URI_PREFIX =
      Pattern.compile("([A-Za-z0-9+-\\.]*:)?//|[A-Za-z0-9+-\\.]+:");

  /** {@code format: uri-reference} (or {@code uri}: absolute) as the validator checks it. */
  private static boolean isUriReference(String text, boolean absolute) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return URI_PREFIX.matcher(e.getInput()).matches();
    }
    if (absolute && !uri.isAbsolute()) {
      return false;
    }
    if (!uri.toString().codePoints().allMatch(c -> c < 127)) {
      return false;
    }
    String query = uri.getRawQuery();
    return query == null || (query.indexOf('[') < 0 && query.indexOf(']') < 0);
  }

  private static final Text ID_VALUE =
      and(
          length(1, 200),
          charPattern(Contract::isVisible, Contract::isVisible, "^[!-~]+$(?![\\s\\S])"));
  private static final Text NAME_VALUE =
      and(
          length(1, 100),
          charPattern(
              Contract::isAlphanumeric,
              Contract::isNameChar,
              "^[A-Za-z0-9][A-Za-z0-9_.:-]*$(?![\\s\\S])"));
  private static final Text HOST_VALUE =
      and(
          length(1, 253),
          charPattern(
              Contract::isAlphanumeric,
              Contract::isNameChar,
              "^[A-Za-z0-9][A-Za-z0-9_.:-]*$(?![\\s\\S])"));
  private static final String ERROR_CLASS_PATTERN = "^\\*?[A-Za-z_][A-Za-z0-9_.$:]*$(?![\\s\\S])";

  /** A class name, after one {@code *} for a Go pointer type ({@code *fs.PathError}). */
  private static final Text ERROR_CLASS_VALUE =
      and(
          length(1, 200),
          text ->
              matches(
                      text.startsWith("*") ? text.substring(1) : text,
                      Contract::isClassFirst,
                      Contract::isClassChar)
                  ? null
                  : "does not match the regex pattern " + ERROR_CLASS_PATTERN);

  private static final Text MESSAGE_VALUE = length(0, 8192);
  private static final Text BOUNDED_DURATION_VALUE =
      and(
          length(0, 50),
          regex(
              "^P(?!$)((5[0-2]|[1-4][0-9]|[0-9])W)?((36[0-6]|3[0-5][0-9]|[12][0-9]{2}|[0-9]{1,2})D)?(T(?=[0-9])((878[0-4]|87[0-7][0-9]|8[0-6][0-9]{2}|[1-7][0-9]{3}|[0-9]{1,3})H)?([0-9]{1,6}M)?([0-9]{1,8}(\\.[0-9]{1,9})?S)?)?$(?![\\s\\S])"));
  private static final Text CRON_VALUE = length(6, 100);
  private static final Text TIMEZONE_VALUE =
      and(
          length(1, 64),
          charPattern(
              Contract::isZoneChar, Contract::isZoneChar, "^[A-Za-z0-9_+/-]+$(?![\\s\\S])"));

  @FunctionalInterface
  private interface CharRule {
    boolean test(char c);
  }

  /** Whether {@code text} matches {@code ^[first][rest]*$(?![\\s\\S])}: nothing after the last. */
  private static boolean matches(String text, CharRule first, CharRule rest) {
    int end = contentEnd(text);
    if (end == 0 || !first.test(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < end; i++) {
      if (!rest.test(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where an anchored pattern's text must end: at the very end. The schema's patterns end in {@code
   * $(?![\\s\\S])}, so a trailing line terminator fails in every regex dialect (java.util.regex and
   * Python let a bare {@code $} match before one; ECMA-262 does not).
   */
  private static int contentEnd(String text) {
    return text.length();
  }

  private static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }

  private static boolean isAttributeChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isVisible(char c) {
    return c >= '!' && c <= '~';
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isNameChar(char c) {
    return isAlphanumeric(c) || c == '_' || c == '.' || c == ':' || c == '-';
  }

  private static boolean isClassFirst(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isClassChar(char c) {
    return isAlphanumeric(c) || c == '_' || c == '.' || c == '$' || c == ':';
  }

  private static boolean isZoneChar(char c) {
    return isAlphanumeric(c) || c == '_' || c == '+' || c == '/' || c == '-';
  }

  private static boolean isLabelChar(char c) {
    return isAlphanumeric(c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
  }

  // ---- data members ---------------------------------------------------------------------------

  /**
   * Reads one member's value, which the parser is at, to its last token; reports a violation to the
   * reading (the value returned then does not matter).
   */
  @FunctionalInterface
  interface Rule {
    Object read(JsonParser parser, String path, StreamingDecoder.Reading reading)
        throws IOException;
  }

  /**
   * A member's rule, its place among the schema's {@code properties}, its path in data, and whether
   * it is optional: an optional member whose value is null is the same as one left out.
   */
  record Member(Rule rule, int index, String path, boolean optional) {}

  /** The members a type's data may have and those it must have. */
  record DataRules(Map<String, Member> members, List<String> required) {}

  /**
   * The keywords of a data object in the order the validator reports them: its members first, then
   * {@code required}, then {@code additionalProperties} (the order of every data schema).
   */
  static final int PROPERTIES = 0;

  static final int REQUIRED = 1;
  static final int ADDITIONAL = 2;

  static Rule string(Text rule) {
    return (parser, path, reading) -> {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        reading.data(path, found(parser) + " found, string expected");
        parser.skipChildren();
        return null;
      }
      String text = parser.getText();
      String problem = rule.problem(text);
      if (problem != null) {
        reading.data(path, problem);
      }
      return text;
    };
  }

  /** An integer within bounds; a {@link Long} when {@code wide}, else an {@link Integer}. */
  static Rule integer(long min, long max, boolean wide) {
    return (parser, path, reading) -> {
      if (!isWhole(parser)) {
        reading.data(path, found(parser) + " found, integer expected");
        parser.skipChildren();
        return null;
      }
      double approximate;
      long value;
      if (parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
        approximate = parser.getDoubleValue();
        value = (long) approximate;
      } else if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        approximate = parser.getBigIntegerValue().signum() < 0 ? -1e300 : 1e300;
        value = 0;
      } else {
        value = parser.getLongValue();
        approximate = value;
      }
      if (approximate < min) {
        reading.data(path, "must have a minimum value of " + min);
        return null;
      }
      if (approximate > max) {
        reading.data(path, "must have a maximum value of " + max);
        return null;
      }
      return wide ? (Object) value : (Object) (int) value;
    };
  }

  static final Rule BOOLEAN =
      (parser, path, reading) -> {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
          return token == JsonToken.VALUE_TRUE;
        }
        reading.data(path, found(parser) + " found, boolean expected");
        parser.skipChildren();
        return null;
      };

  /** A value from a list of strings, or null when {@code nullable}. */
  static Rule oneOfValues(List<String> values, boolean nullable) {
    Set<String> allowed = new HashSet<>(values);
    StringBuilder listed = new StringBuilder("[");
    for (String value : values) {
      listed.append(listed.length() > 1 ? ", " : "").append('"').append(value).append('"');
    }
    String problem =
        "does not have a value in the enumeration " + listed + (nullable ? ", null]" : "]");
    return (parser, path, reading) -> {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_STRING && allowed.contains(parser.getText())) {
        return parser.getText();
      }
      if (token == JsonToken.VALUE_NULL && nullable) {
        return null;
      }
      reading.data(path, problem);
      parser.skipChildren();
      return null;
    };
  }

  private static final List<String> JOB_STATES =
      List.of(
          "submitted",
          "queued",
          "waiting",
          "running",
          "succeeded",
          "failed",
          "crashed",
          "cancelled");

  private static final Rule JOB_ID = string(ID_VALUE);
  private static final Rule NAME = string(NAME_VALUE);
  private static final Rule CODE = string(NAME_VALUE);
  private static final Rule MESSAGE = string(MESSAGE_VALUE);
  private static final Rule ATTEMPT = integer(1, 1_000_000, false);
  private static final Rule COUNT = integer(0, 1_000_000_000_000L, true);
  private static final Rule THRESHOLD = integer(1, 20, false);
  private static final Rule BOUNDED_DURATION = string(BOUNDED_DURATION_VALUE);
  private static final Rule JOB_STATE = oneOfValues(JOB_STATES, false);

  /** Reads member number {@code index} (in the schema's order) of the current object. */
  private static Object member(
      JsonParser parser, int index, Rule rule, String field, StreamingDecoder.Reading reading)
      throws IOException {
    reading.enter(PROPERTIES, index);
    Object value = rule.read(parser, field, reading);
    reading.leave();
    return value;
  }

  private static String notObject(JsonParser parser) {
    return found(parser) + " found, object expected";
  }

  private static String additional(String name) {
    return "property '"
        + name
        + "' is not defined in the schema and the schema does not allow additional properties";
  }

  private static String required(String name) {
    return "required property '" + name + "' not found";
  }

  /** {@code depends_on}: up to 1000 {@code {job_id, accept}} objects. */
  private static final Rule DEPENDS_ON =
      (parser, path, reading) -> {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
          reading.data(path, found(parser) + " found, array expected");
          parser.skipChildren();
          return null;
        }
        List<JobChange.Dependency> dependencies = new ArrayList<>();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          // depends_on: maxItems, then items; an item: its members, required, additionalProperties
          reading.enter(1, index);
          String item = JsonPaths.item(path, index++);
          if (parser.currentToken() != JsonToken.START_OBJECT) {
            reading.data(item, notObject(parser));
            parser.skipChildren();
            reading.leave();
            continue;
          }
          boolean hasJob = false;
          Object jobId = null;
          Object accept = null;
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
              case "job_id" -> {
                hasJob = true;
                jobId = member(parser, 0, JOB_ID, JsonPaths.member(item, name), reading);
              }
              case "accept" -> {
                reading.enter(PROPERTIES, 1);
                accept = readAccept(parser, JsonPaths.member(item, name), reading);
                reading.leave();
              }
              default -> {
                reading.data(ADDITIONAL, 0, JsonPaths.member(item, name), additional(name));
                parser.skipChildren();
              }
            }
          }
          if (!hasJob) {
            reading.data(REQUIRED, 0, JsonPaths.member(item, "job_id"), required("job_id"));
          }
          reading.leave();
          if (jobId instanceof String job && !reading.hasViolation()) {
            @SuppressWarnings("unchecked")
            List<JobState> states =
                accept == null ? List.of() : StreamingDecoder.states((List<String>) accept);
            dependencies.add(new JobChange.Dependency(job, states));
          }
        }
        if (index > 1000) {
          reading.data(path, "must have at most 1000 items but found " + index);
        }
        return dependencies;
      };

  private static List<String> readAccept(
      JsonParser parser, String path, StreamingDecoder.Reading reading) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      reading.data(path, found(parser) + " found, array expected");
      parser.skipChildren();
      return null;
    }
    List<String> states = new ArrayList<>();
    Set<String> scalars = new HashSet<>();
    boolean repeated = false;
    int index = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      JsonToken token = parser.currentToken();
      if (!token.isStructStart()) {
        repeated |= !scalars.add(token.name() + ":" + parser.getText());
      }
      // accept: minItems, maxItems, uniqueItems, then items
      reading.enter(3, index);
      Object state = JOB_STATE.read(parser, JsonPaths.item(path, index++), reading);
      reading.leave();
      if (state != null) {
        states.add((String) state);
      }
    }
    if (index < 1) {
      reading.data(0, 0, path, "must have at least 1 items but found " + index);
    }
    if (index > 8) {
      reading.data(1, 0, path, "must have at most 8 items but found " + index);
    }
    if (repeated) {
      reading.data(2, 0, path, "must have only unique items in the array");
    }
    return states;
  }

  private static final JsonFactory COPIER = new JsonFactory();

  /**
   * Copies the value the parser is at, token by token, each number with the digits it was sent
   * with: {@code copyCurrentStructure} writes a decimal as a double, which rounds {@code
   * 12345678901234567.89} and turns {@code 1E+400} into the string {@code "Infinity"}. A decimal is
   * written from {@code getDecimalValue()}, which reads the digits also from a {@link
   * com.fasterxml.jackson.databind.util.TokenBuffer} (data that came before its type), whose {@code
   * copyCurrentEventExact} would still give a double.
   */
  static void copyExact(JsonParser parser, JsonGenerator out) throws IOException {
    int depth = 0;
    do {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NUMBER_FLOAT) {
        out.writeNumber(parser.getDecimalValue());
      } else {
        out.copyCurrentEvent(parser);
      }
      if (token.isStructStart()) {
        depth++;
      } else if (token.isStructEnd()) {
        depth--;
      }
    } while (depth > 0 && parser.nextToken() != null);
  }

  /** {@code trigger}: any object with a {@code message_id}, kept as its compact JSON text. */
  private static final Rule TRIGGER =
      (parser, path, reading) -> {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
          reading.data(path, notObject(parser));
          parser.skipChildren();
          return null;
        }
        StringWriter text = new StringWriter();
        boolean hasMessageId = false;
        try (JsonGenerator out = COPIER.createGenerator(text)) {
          out.writeStartObject();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            out.writeFieldName(name);
            parser.nextToken();
            if (name.equals("message_id")) {
              hasMessageId = true;
              String field = JsonPaths.member(path, name);
              if (parser.currentToken() != JsonToken.VALUE_STRING) {
                reading.data(field, found(parser) + " found, string expected");
              } else {
                String problem = ID_VALUE.problem(parser.getText());
                if (problem != null) {
                  reading.data(field, problem);
                }
              }
            }
            copyExact(parser, out);
          }
          out.writeEndObject();
        }
        if (!hasMessageId) {
          reading.data(REQUIRED, 0, JsonPaths.member(path, "message_id"), required("message_id"));
        }
        return text.toString();
      };

  private static final Rule LABEL_VALUE = string(length(0, 500));

  /** {@code labels}: up to 50 string values of at most 500 characters, under safe names. */
  private static final Rule LABELS =
      (parser, path, reading) -> {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
          reading.data(path, notObject(parser));
          parser.skipChildren();
          return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int count = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          count++;
          String nameProblem =
              codePoints(name) > 100
                  ? "must be at most 100 characters long"
                  : matches(name, Contract::isLabelChar, Contract::isLabelChar)
                      ? null
                      : "does not match the regex pattern ^[A-Za-z0-9_.:/-]+$(?![\\s\\S])";
          if (nameProblem != null) {
            // labels: maxProperties, propertyNames, then additionalProperties
            reading.data(1, 0, path, "property '" + name + "' name is not valid: " + nameProblem);
          }
          reading.enter(2, 0);
          Object value = LABEL_VALUE.read(parser, JsonPaths.member(path, name), reading);
          reading.leave();
          if (value != null) {
            labels.put(name, (String) value);
          }
        }
        if (count > 50) {
          reading.data(0, 0, path, "must have at most 50 properties");
        }
        return labels;
      };

  /**
   * {@code progress}: at least one member, each a non-negative count or null (absent); null when it
   * gives no count.
   */
  private static final Rule PROGRESS =
      (parser, path, reading) -> {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
          reading.data(path, notObject(parser));
          parser.skipChildren();
          return null;
        }
        Long complete = null;
        Long waiting = null;
        Long failed = null;
        int count = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          count++;
          String field = JsonPaths.member(path, name);
          boolean isCount =
              name.equals("complete") || name.equals("waiting") || name.equals("failed");
          if (isCount && parser.currentToken() == JsonToken.VALUE_NULL) {
            continue; // a count as null is absent, though it counts for minProperties
          }
          switch (name) {
            case "complete" -> complete = (Long) member(parser, 0, COUNT, field, reading);
            case "waiting" -> waiting = (Long) member(parser, 1, COUNT, field, reading);
            case "failed" -> failed = (Long) member(parser, 2, COUNT, field, reading);
            default -> {
              // progress: its members, minProperties, then additionalProperties
              reading.data(2, 0, field, additional(name));
              parser.skipChildren();
            }
          }
        }
        if (count < 1) {
          reading.data(1, 0, path, "must have at least 1 properties");
        }
        return JobChange.Progress.ofCounts(complete, waiting, failed);
      };

  /** The members of a nested object as read, by their position in the schema; null if absent. */
  private record Members(Object[] values, boolean[] seen) {
    boolean present(int index) {
      return seen[index];
    }

    Object value(int index) {
      return values[index];
    }
  }

  /**
   * Reads a nested object whose schema names exactly {@code names} (read by {@code rules}, in that
   * order) and allows no other member: each other member is reported at the schema's
   * additionalProperties (position 1). Returns null, reported, when the value is not an object.
   */
  private static Members closedObject(
      JsonParser parser,
      String path,
      StreamingDecoder.Reading reading,
      List<String> names,
      List<Rule> rules)
      throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      reading.data(path, notObject(parser));
      parser.skipChildren();
      return null;
    }
    Object[] values = new Object[names.size()];
    boolean[] seen = new boolean[names.size()];
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      String field = JsonPaths.member(path, name);
      int index = names.indexOf(name);
      if (index >= 0) {
        seen[index] = true;
        values[index] = member(parser, index, rules.get(index), field, reading);
      } else {
        reading.data(1, 0, field, additional(name));
        parser.skipChildren();
      }
    }
    return new Members(values, seen);
  }

  /** A monitor's schedule as read: exactly one of every, or cron with timezone. */
  record Schedule(String every, String cron, String timezone) {}

  private static final Rule CRON = string(CRON_VALUE);
  private static final Rule TIMEZONE = string(TIMEZONE_VALUE);

  private static final Rule SCHEDULE =
      (parser, path, reading) -> {
        Members members =
            closedObject(
                parser,
                path,
                reading,
                List.of("every", "cron", "timezone"),
                List.of(BOUNDED_DURATION, CRON, TIMEZONE));
        if (members == null) {
          return null;
        }
        boolean hasEvery = members.present(0);
        boolean hasCron = members.present(1);
        boolean hasZone = members.present(2);
        if (!hasEvery && !hasCron) {
          reading.data(2, 0, path, "must be valid to one and only one schema, but 0 are valid");
        } else if (hasEvery && hasCron) {
          reading.data(
              2,
              0,
              path,
              "must be valid to one and only one schema, but 2 are valid with indexes '0, 1'");
        }
        if (hasCron && !hasZone) {
          reading.data(
              3,
              0,
              path,
              "has a missing property 'timezone' which is dependent required because 'cron' is"
                  + " present");
        }
        if (hasZone && !hasCron) {
          reading.data(
              3,
              0,
              path,
              "has a missing property 'cron' which is dependent required because 'timezone' is"
                  + " present");
        }
        return new Schedule(
            (String) members.value(0), (String) members.value(1), (String) members.value(2));
      };

  /** {@code max_runs_per_period} as read. */
  record RunsPerPeriod(Integer runs, String period) {}

  private static final Rule RUNS = integer(1, 50, false);

  private static final Rule MAX_RUNS_PER_PERIOD =
      (parser, path, reading) -> {
        Members members =
            closedObject(
                parser, path, reading, List.of("runs", "period"), List.of(RUNS, BOUNDED_DURATION));
        if (members == null) {
          return null;
        }
        if (!members.present(0)) {
          reading.data(2, 0, JsonPaths.member(path, "runs"), required("runs"));
        }
        if (!members.present(1)) {
          reading.data(2, 0, JsonPaths.member(path, "period"), required("period"));
        }
        return new RunsPerPeriod((Integer) members.value(0), (String) members.value(1));
      };

  // ---- the data of each type ------------------------------------------------------------------

  private static final Map<String, DataRules> DATA_RULES = new java.util.HashMap<>();

  private static void type(String type, List<String> required, Object... membersAndRules) {
    Map<String, Member> members = new java.util.HashMap<>();
    for (int i = 0; i < membersAndRules.length; i += 2) {
      String name = (String) membersAndRules[i];
      members.put(
          name,
          new Member(
              (Rule) membersAndRules[i + 1],
              i / 2,
              JsonPaths.member("$.data", name),
              !required.contains(name)));
    }
    DATA_RULES.put(type, new DataRules(Map.copyOf(members), List.copyOf(required)));
  }

  static {
    Rule host = string(HOST_VALUE);
    Rule errorClass = string(ERROR_CLASS_VALUE);
    type(
        "job.submitted",
        List.of("job_id", "service"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "monitor",
        NAME,
        "depends_on",
        DEPENDS_ON,
        "trigger",
        TRIGGER,
        "labels",
        LABELS);
    type(
        "job.queued",
        List.of("job_id"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "attempt",
        ATTEMPT);
    type(
        "job.waiting",
        List.of("job_id", "reason"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "reason",
        CODE);
    type(
        "job.started",
        List.of("job_id", "runner", "attempt"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "attempt",
        ATTEMPT,
        "host",
        host,
        "monitor",
        NAME);
    type(
        "job.status",
        List.of("job_id", "attempt"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "attempt",
        ATTEMPT,
        "error",
        MESSAGE,
        "warning",
        MESSAGE,
        "activity",
        MESSAGE,
        "progress",
        PROGRESS);
    type(
        "job.finished",
        List.of("job_id", "attempt", "exit_code"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "attempt",
        ATTEMPT,
        "exit_code",
        integer(-64, 255, false));
    type(
        "job.crashed",
        List.of("job_id", "attempt"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "attempt",
        ATTEMPT,
        "blame",
        oneOfValues(List.of("platform", "task", "third_party", "unknown"), true),
        "cause",
        CODE,
        "details",
        MESSAGE,
        "fatal",
        BOOLEAN);
    type(
        "job.cancelled",
        List.of("job_id"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "reason",
        MESSAGE);
    type(
        "job.requeued",
        List.of("job_id", "attempt"),
        "job_id",
        JOB_ID,
        "service",
        NAME,
        "runner",
        NAME,
        "attempt",
        ATTEMPT,
        "reason",
        MESSAGE);
    type(
        "stage.error",
        List.of("service", "runner", "stage", "error_class", "message"),
        "service",
        NAME,
        "runner",
        NAME,
        "stage",
        NAME,
        "error_class",
        errorClass,
        "message",
        MESSAGE,
        "job_id",
        JOB_ID,
        "severity",
        oneOfValues(List.of("warning", "error", "fatal"), false));
    type(
        "stage.ok",
        List.of("service", "runner", "stage"),
        "service",
        NAME,
        "runner",
        NAME,
        "stage",
        NAME);
    type(
        "monitor.declared",
        List.of("monitor", "team", "schedule", "grace"),
        "monitor",
        NAME,
        "team",
        NAME,
        "schedule",
        SCHEDULE,
        "grace",
        BOUNDED_DURATION,
        "max_runtime",
        BOUNDED_DURATION,
        "owner",
        NAME,
        "min_runtime",
        BOUNDED_DURATION,
        "start_grace",
        BOUNDED_DURATION,
        "failure_threshold",
        THRESHOLD,
        "recovery_threshold",
        THRESHOLD,
        "max_runs_per_period",
        MAX_RUNS_PER_PERIOD);
    for (String control : List.of("monitor.paused", "monitor.resumed", "monitor.retired")) {
      type(control, List.of("monitor"), "monitor", NAME);
    }
  }

  /** The data rules of a known type, or null for an unknown one. */
  static DataRules dataOf(String type) {
    return DATA_RULES.get(type);
  }
}
