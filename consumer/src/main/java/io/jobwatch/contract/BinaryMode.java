package io.jobwatch.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The binary content mode of the CloudEvents Kafka protocol binding: context attributes travel as
 * {@code ce_<attribute>} headers with UTF-8 string values, {@code content-type} is {@code
 * datacontenttype}, and the record value is the {@code data} object. A binary record is mapped to
 * the structured envelope it stands for, so both modes meet the same JSON Schema. Headers come in
 * as a plain list, so this package stays free of Kafka types. Stateless; safe to share between
 * threads.
 */
public final class BinaryMode {
  /** The prefix of a context attribute's header. */
  public static final String PREFIX = "ce_";

  /** The header that carries {@code datacontenttype}. */
  public static final String CONTENT_TYPE = "content-type";

  /**
   * The header sdk-javascript sends beside {@code content-type} with the same value (its Kafka
   * binding makes a header of every attribute but {@code data}).
   */
  private static final String DATA_CONTENT_TYPE = PREFIX + "datacontenttype";

  /** Attributes every jobwatch event needs, in the order they are checked. */
  private static final List<String> REQUIRED =
      List.of("specversion", "id", "source", "type", "time");

  private static final Pattern ATTRIBUTE = Pattern.compile("[a-z0-9]{1,50}");

  /** An attribute header spelt {@code ce-id}, {@code CE_ID} or {@code Ce-Id}. */
  private static final Pattern MISNAMED_ATTRIBUTE =
      Pattern.compile("[cC][eE][-_][A-Za-z0-9]{1,50}");

  /** Characters not shown in a reason: C0 and C1 controls, line separators, bidi overrides. */
  private static final Pattern CONTROL =
      Pattern.compile(
          "[\\p{Cntrl}\\x{80}-\\x{9F}\\x{2028}\\x{2029}\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]");

  /** The longest header value a reason quotes. */
  private static final int SHOWN = 100;

  /** A schema violation's leading path that names an envelope attribute rather than the data. */
  private static final Pattern ATTRIBUTE_PATH =
      Pattern.compile("(^|; )(\\$\\.([a-z0-9]+))(?=[:.\\[])");

  private BinaryMode() {}

  /**
   * A header value as a reason shows it: controls replaced by {@code ?}, at most 100 characters.
   */
  static String shown(String value) {
    String clean = CONTROL.matcher(value).replaceAll("?");
    return clean.length() <= SHOWN ? clean : clean.substring(0, SHOWN) + "…";
  }

  /** One Kafka record header: name and raw value ({@code null} when the header has no value). */
  public record Header(String name, byte[] value) {
    public Header {
      Objects.requireNonNull(name, "name");
    }

    /** A header with a UTF-8 text value, as publishers build them. */
    public static Header text(String name, String value) {
      return new Header(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Whether a record with these headers is in binary mode: it has a {@code ce_} header and no
   * {@code content-type} starting with {@code application/cloudevents}. A record without any {@code
   * ce_} header is structured whatever its {@code content-type} says: it cannot be a valid binary
   * event (it has no {@code ce_specversion}), and sdk-python's Kafka {@code to_structured} sends
   * exactly that, the whole envelope as the value with its {@code datacontenttype} moved to a
   * {@code content-type: application/json} header. That header is then not read (the value is the
   * envelope, its own {@code datacontenttype} is checked): a deliberate leniency, the binding would
   * have it binary. A {@code content-type} header without a value is no content type, as it is no
   * {@code datacontenttype} ({@link #envelope}); the first one with a value decides.
   */
  public static boolean isBinary(List<Header> headers) {
    boolean attributes = false;
    boolean contentTypeSeen = false;
    for (Header header : headers) {
      if (header.name().startsWith(PREFIX)) {
        attributes = true;
      } else if (!contentTypeSeen
          && header.value() != null
          && header.name().equalsIgnoreCase(CONTENT_TYPE)) {
        contentTypeSeen = true;
        String contentType = lenientText(header.value());
        if (contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
          return false;
        }
      }
    }
    return attributes;
  }

  /**
   * The {@code content-type} of a record in the binding's batch content mode ({@code
   * application/cloudevents-batch+json}, any letter case and parameters: a JSON array of events in
   * one record), or null. The first {@code content-type} with a value decides, as in {@link
   * #isBinary}.
   */
  public static String batchContentType(List<Header> headers) {
    for (Header header : headers) {
      if (header.value() != null && header.name().equalsIgnoreCase(CONTENT_TYPE)) {
        String contentType = lenientText(header.value());
        return contentType
                .strip()
                .toLowerCase(Locale.ROOT)
                .startsWith("application/cloudevents-batch")
            ? shown(contentType) // shown in a reason: no NUL, no CR, bounded
            : null;
      }
    }
    return null;
  }

  /**
   * The first header that looks like a binary-mode attribute in another binding's spelling ({@code
   * ce-id}, the HTTP binding's; {@code CE_ID}, {@code Ce-Id}), or null: a record with such headers
   * and no {@code ce_} one is read as structured, and its rejection then names that header (Spring
   * Cloud Function writes {@code ce-} unless it knows it is talking to Kafka).
   */
  public static String misnamedAttributeHeader(List<Header> headers) {
    for (Header header : headers) {
      String name = header.name();
      if (!name.startsWith(PREFIX) && MISNAMED_ATTRIBUTE.matcher(name).matches()) {
        return name;
      }
    }
    return null;
  }

  /**
   * The structured envelope a binary record's headers stand for, without {@code data}. A header
   * without a value (Kafka's null header, which the Java client and librdkafka send for a null
   * value; kafkajs cannot send one) leaves an optional attribute absent, as JSON null does in
   * structured mode (CloudEvents JSON format 1.0, 2.2); for a required attribute it is a rejection.
   * {@code datacontenttype} is the {@code content-type} header; a {@code ce_datacontenttype} header
   * alone stands for it too, and beside {@code content-type} it must say the same ({@link
   * #sameMediaType}).
   *
   * @throws Rejection naming the header when one is missing, repeated, empty, not UTF-8 or holds
   *     NUL
   */
  static ObjectNode envelope(List<Header> headers) {
    ObjectNode envelope = JsonNodeFactory.instance.objectNode();
    Set<String> seen = new HashSet<>();
    String contentTypeHeader = null;
    for (Header header : headers) {
      String name = header.name();
      String attribute;
      boolean contentType = name.equalsIgnoreCase(CONTENT_TYPE);
      if (contentType) {
        attribute = "datacontenttype";
      } else if (name.startsWith(PREFIX)) {
        attribute = name.substring(PREFIX.length());
        if (!ATTRIBUTE.matcher(attribute).matches()) {
          throw headerProblem(name, "attribute names are 1-50 lower-case letters and digits");
        }
        if (attribute.equals("data")) {
          throw headerProblem(name, "not a header in binary mode (the record value is the data)");
        }
      } else {
        continue; // not a CloudEvents attribute: tracing and application headers are ignored
      }
      if (!seen.add(contentType ? CONTENT_TYPE : name)) {
        throw headerProblem(name, "appears more than once");
      }
      if (header.value() == null) {
        if (REQUIRED.contains(attribute)) {
          throw headerProblem(name, "has no value");
        }
        continue;
      }
      String text = strictText(name, header.value());
      if (text.indexOf('\u0000') >= 0) {
        // A header is text, not JSON: NUL is the character itself (the text backslash-u0000 is
        // just text), and no PostgreSQL text can hold it.
        throw headerProblem(name, "contains NUL (\\u0000), which PostgreSQL cannot store");
      }
      if (attribute.equals("datacontenttype")) {
        String other = envelope.path(attribute).textValue();
        if (other != null) {
          String fromContentType = contentType ? text : other;
          String fromAttribute = contentType ? other : text;
          if (!sameMediaType(fromContentType, fromAttribute)) {
            throw headerProblem(
                DATA_CONTENT_TYPE,
                "'" + fromAttribute + "' is not the content-type '" + fromContentType + "'");
          }
          text = fromContentType; // the binding's header for it
        }
        if (contentType) {
          contentTypeHeader = name;
        }
      }
      envelope.put(attribute, text);
    }
    for (String attribute : REQUIRED) {
      if (!envelope.has(attribute)) {
        String hint =
            contentTypeHeader == null
                ? ""
                : " (a record with ce_ headers and content-type '"
                    + envelope.path("datacontenttype").asText()
                    + "' is read in binary content mode; a structured event needs content-type"
                    + " application/cloudevents+json, or no ce_ headers)";
        throw headerProblem(PREFIX + attribute, "missing" + hint);
      }
    }
    return envelope;
  }

  /**
   * Names the header behind each envelope attribute in a schema violation of the mapped envelope,
   * e.g. {@code $.time: …} becomes {@code header ce_time: $.time: …}; violations in {@code data}
   * (the record value) are kept as they are.
   */
  static String nameHeaders(String violation, List<Header> headers) {
    Matcher matcher = ATTRIBUTE_PATH.matcher(violation);
    StringBuilder named = new StringBuilder();
    while (matcher.find()) {
      String attribute = matcher.group(3);
      String replacement =
          attribute.equals("data")
              ? matcher.group()
              : matcher.group(1)
                  + "header "
                  + (attribute.equals("datacontenttype") && !hasContentType(headers)
                      ? DATA_CONTENT_TYPE
                      : headerOf(attribute))
                  + ": "
                  + matcher.group(2);
      matcher.appendReplacement(named, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(named);
    return named.toString();
  }

  /**
   * The binary form of a structured envelope: headers for every attribute except {@code data}, and
   * the {@code data} object as the value. Only envelopes whose attribute values are strings are
   * mapped (the CLI's and the examples'); the inverse of {@link #envelope} for them.
   */
  public static Binary fromEnvelope(JsonNode envelope) {
    List<Header> headers = new ArrayList<>();
    for (Map.Entry<String, JsonNode> attribute : envelope.properties()) {
      if (attribute.getKey().equals("data")) {
        continue;
      }
      headers.add(Header.text(headerOf(attribute.getKey()), attribute.getValue().asText()));
    }
    return new Binary(headers, envelope.get("data").toString());
  }

  /** A record in binary mode: its headers and its value (the data as JSON text). Immutable. */
  public record Binary(List<Header> headers, String value) {
    public Binary {
      headers = List.copyOf(headers);
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Whether two media types say the same: type and subtype compared ignoring case (RFC 9110,
   * 8.3.1), parameters in the same order with names ignoring case, the charset's value ignoring
   * case too, and white space around {@code ;} and {@code =} ignored.
   */
  static boolean sameMediaType(String first, String second) {
    return normalizedMediaType(first).equals(normalizedMediaType(second));
  }

  private static String normalizedMediaType(String mediaType) {
    String[] parts = mediaType.split(";", -1);
    StringBuilder normalized = new StringBuilder(parts[0].strip().toLowerCase(Locale.ROOT));
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip();
      int equals = parameter.indexOf('=');
      String name =
          (equals < 0 ? parameter : parameter.substring(0, equals).strip())
              .toLowerCase(Locale.ROOT);
      String value = equals < 0 ? "" : parameter.substring(equals + 1).strip();
      normalized
          .append(';')
          .append(name)
          .append(equals < 0 ? "" : "=")
          .append(name.equals("charset") ? value.toLowerCase(Locale.ROOT) : value);
    }
    return normalized.toString();
  }

  /** Whether {@code content-type} (with a value) is among the headers. */
  private static boolean hasContentType(List<Header> headers) {
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(CONTENT_TYPE) && header.value() != null) {
        return true;
      }
    }
    return false;
  }

  private static String headerOf(String attribute) {
    return attribute.equals("datacontenttype") ? CONTENT_TYPE : PREFIX + attribute;
  }

  private static Rejection headerProblem(String header, String problem) {
    return new Rejection("header " + header + ": " + problem);
  }

  private static String strictText(String header, byte[] value) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw headerProblem(header, "value is not valid UTF-8");
    }
  }

  private static String lenientText(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }
}
