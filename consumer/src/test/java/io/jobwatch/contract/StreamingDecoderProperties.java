package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 12 point 2: the streaming decoder against the JSON Schema files. Each try takes a valid
 * example from schemas/examples/valid, changes one thing (a valid value, a wrong type, a bound, a
 * pattern, a missing or an extra member, another or an unknown type, nesting), optionally reorders
 * the envelope's members, and decodes the document in structured mode and, where its attributes are
 * strings, in binary mode. The schema validator is the oracle: the streaming decoder must give the
 * same verdict, the same rejected field, and for an accepted record the same event.
 *
 * <p>Member names for extra members come from the schema files themselves, so a member the code
 * forgot would be accepted by the oracle and rejected by the streaming decoder.
 */
class StreamingDecoderProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Path SCHEMAS = Path.of("..", "schemas");
  private static final int MIN_DOCUMENTS = 100_000;

  private static final AtomicLong DOCUMENTS = new AtomicLong();
  private static final AtomicLong BINARY_DOCUMENTS = new AtomicLong();
  private static final AtomicLong REJECTED = new AtomicLong();
  private static final AtomicLong SAME_WORDS = new AtomicLong();

  private static final List<ObjectNode> BASES = new ArrayList<>();
  private static final Map<String, List<JsonNode>> POOL = new HashMap<>();
  private static final List<String> NAMES = new ArrayList<>();

  enum Mutation {
    NONE,
    VALID_VALUE,
    WRONG_TYPE,
    BOUNDS,
    PATTERN,
    MISSING,
    EXTRA,
    TYPE,
    NESTING
  }

  static {
    try {
      try (Stream<Path> files = Files.list(SCHEMAS.resolve("examples").resolve("valid"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
          ObjectNode base = (ObjectNode) JSON.readTree(file.toFile());
          BASES.add(base);
          collectValues(base);
        }
      }
      TreeSet<String> names = new TreeSet<>();
      try (Stream<Path> files = Files.walk(SCHEMAS.resolve("v1"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
          collectPropertyNames(JSON.readTree(file.toFile()), names);
        }
      }
      NAMES.addAll(names);
      NAMES.addAll(
          List.of(
              "exitcode",
              "Trace",
              "x",
              "",
              "a b",
              "1a",
              "traceparent",
              "ext1",
              "a'b",
              "é",
              "trace\n",
              "data2"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A trigger's numbers are kept with their digits: both decoders, in either member order.
    POOL.computeIfAbsent("trigger", k -> new ArrayList<>())
        .add(
            NODES
                .objectNode()
                .put("message_id", "m-exact")
                .put("budget", new BigDecimal("12345678901234567.89"))
                .put("beyond", new BigDecimal("1E+400"))
                .put("one", new BigDecimal("1.0")));
    pool("time", "2026-11-22T10:00:00.123456789+01:00", "2016-12-31T23:59:60Z");
    pool("time", "2016-12-31T23:59:60+00:00", "1990-12-31t15:59:60-08:00");
    pool("time", "2026-11-22t10:00:00z", "2026-02-29T10:00:00Z", "0001-01-01T00:00:00Z");
    pool("time", "9999-12-31T23:59:59.999999999Z", "2026-11-22T10:00:00-23:59");
    for (String duration : List.of("every", "grace", "max_runtime", "min_runtime", "period")) {
      pool(duration, "P366D", "P52W2D", "PT8784H", "PT31622400S", "PT0.5S", "P1W", "PT1M");
      pool(duration, "P1DT1H1M1.5S", "PT0S", "P0D", "P52W3D", "P1W360D", "PT527041M");
    }
    pool("start_grace", "PT5M", "P366D", "P1W");
    pool("cron", "0 2 * * *", "*/5 * * * *", "0 0 1 1 *", "0 2 30 2 *", "0 0 31 4 *");
    pool("cron", "61 2 * * *", "0 2 * * MON-FRI", "@daily    ");
    pool("timezone", "UTC", "Europe/Berlin", "Etc/GMT+5", "America/Argentina/Buenos_Aires");
    pool("timezone", "Mars/Olympus", "GMT0", "+01:00");
    pool("source", "/runner/slurm/eu-1", "urn:jobwatch:x", "https://example.org/a?b=c", "a");
    pool("source", "//host/path", "x:", "/a?b[c]", "%zz", "a b", "/é");
    pool("datacontenttype", "application/json", "application/json; charset=utf-8");
    pool("datacontenttype", "application/json;", "application/jsonx", "text/plain");
    pool("datacontenttype", "Application/JSON; charset=UTF-8", "APPLICATION/JSONX", "Text/Plain");
    pool("dataschema", "https://jobwatch.io/schemas/v1/event.json", "/relative", "urn:x");
    pool("subject", "job-1", "");
    pool("specversion", "1.0");
    pool("accept[]", "submitted", "queued", "waiting", "running", "succeeded", "failed");
    pool("accept[]", "crashed", "cancelled");
    pool("severity", "warning", "error", "fatal");
    pool("error_class", "java.io.IOException", "Foo$Bar", "_x:y", "ConnectionError");
    pool("host", "node-017.hpc.example.org", "10.0.0.1", "::1", "a".repeat(253));
    for (String name : List.of("attempt", "exit_code", "failure_threshold", "runs")) {
      for (long n : new long[] {0, 1, 2, 20, 50, 126, 137, 255, 256, 1_000_000}) {
        POOL.computeIfAbsent(name, k -> new ArrayList<>()).add(NODES.numberNode(n));
      }
    }
    POOL.computeIfAbsent("blame", k -> new ArrayList<>()).add(NODES.nullNode());
    pool("blame", "platform", "task", "third_party", "unknown");
  }

  private static void pool(String name, String... values) {
    for (String value : values) {
      POOL.computeIfAbsent(name, k -> new ArrayList<>()).add(NODES.textNode(value));
    }
  }

  private static void collectValues(JsonNode node) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        POOL.computeIfAbsent(member.getKey(), k -> new ArrayList<>()).add(member.getValue());
        if (member.getValue().isArray()) {
          for (JsonNode item : member.getValue()) {
            POOL.computeIfAbsent(member.getKey() + "[]", k -> new ArrayList<>()).add(item);
          }
        }
        collectValues(member.getValue());
      }
    } else if (node.isArray()) {
      node.forEach(StreamingDecoderProperties::collectValues);
    }
  }

  private static void collectPropertyNames(JsonNode schema, TreeSet<String> names) {
    if (schema.isObject()) {
      JsonNode properties = schema.get("properties");
      if (properties != null && properties.isObject()) {
        properties.fieldNames().forEachRemaining(names::add);
      }
      schema.forEach(child -> collectPropertyNames(child, names));
    } else if (schema.isArray()) {
      schema.forEach(child -> collectPropertyNames(child, names));
    }
  }

  /** A place in a document: a member of an object or an item of an array. */
  private record Slot(JsonNode container, String name, int index) {
    JsonNode value() {
      return container.isObject() ? container.get(name) : container.get(index);
    }

    String poolKey() {
      return container.isObject() ? name : name + "[]";
    }

    void set(JsonNode value) {
      if (container instanceof ObjectNode object) {
        object.set(name, value);
      } else {
        ((ArrayNode) container).set(index, value);
      }
    }

    void remove() {
      if (container instanceof ObjectNode object) {
        object.remove(name);
      } else {
        ((ArrayNode) container).remove(index);
      }
    }
  }

  private static void slots(JsonNode node, String name, List<Slot> slots, List<JsonNode> objects) {
    if (node.isObject()) {
      objects.add(node);
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String member = names.next();
        slots.add(new Slot(node, member, -1));
        slots(node.get(member), member, slots, objects);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        slots.add(new Slot(node, name, i));
        slots(node.get(i), name, slots, objects);
      }
    }
  }

  private static final List<JsonNode> ANY_TYPE =
      List.of(
          NODES.textNode("x"),
          NODES.textNode(""),
          NODES.numberNode(1),
          NODES.numberNode(1.5),
          NODES.numberNode(1.0),
          NODES.booleanNode(true),
          NODES.booleanNode(false),
          NODES.nullNode(),
          NODES.arrayNode(),
          NODES.arrayNode().add(1),
          NODES.objectNode(),
          NODES.objectNode().put("a", 1));

  private static final List<JsonNode> NUMBER_BOUNDS =
      List.of(
          NODES.numberNode(-1),
          NODES.numberNode(0),
          NODES.numberNode(1),
          NODES.numberNode(2),
          NODES.numberNode(19),
          NODES.numberNode(20),
          NODES.numberNode(21),
          NODES.numberNode(49),
          NODES.numberNode(50),
          NODES.numberNode(51),
          NODES.numberNode(254),
          NODES.numberNode(255),
          NODES.numberNode(256),
          NODES.numberNode(999_999),
          NODES.numberNode(1_000_000),
          NODES.numberNode(1_000_001),
          NODES.numberNode(1_000_000_000_000L),
          NODES.numberNode(1_000_000_000_001L),
          NODES.numberNode(Long.MAX_VALUE),
          NODES.numberNode(new BigInteger("123456789012345678901234567890")),
          NODES.numberNode(new BigInteger("-123456789012345678901234567890")),
          NODES.numberNode(-0.0),
          NODES.numberNode(1.0),
          NODES.numberNode(0.5),
          NODES.numberNode(255.0),
          NODES.numberNode(1e20),
          NODES.numberNode(new BigDecimal("1e400")),
          NODES.numberNode(new BigDecimal("-1e400")));

  private static final int[] LENGTHS = {
    0, 1, 8, 9, 49, 50, 51, 63, 64, 65, 99, 100, 101, 199, 200, 201, 252, 253, 254, 499, 500, 501,
    8192, 8193
  };

  private static final String[] ODD_CHARACTERS = {
    " ", "\n", "\r\n", "\r", "\u2028", "\u0085", "\t", "é", "😀", "/", "$", "_", ".", ":", "-", "A",
    "z", "0", "+", "[", "%", "'", "\"", "\\", "T", "Z", "W", "D", "S", "\u0000", "\n\n"
  };

  private static final List<String> TYPES =
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
          "monitor.retired",
          "job.exploded",
          "",
          "JOB.STARTED",
          "job.started ",
          "stage.warning");

  private static <T> T pick(List<T> values, Random random) {
    return values.get(random.nextInt(values.size()));
  }

  private static JsonNode bounds(JsonNode value, Random random) {
    if (value.isTextual()) {
      int length = LENGTHS[random.nextInt(LENGTHS.length)];
      String text = value.asText();
      if (random.nextInt(4) == 0) {
        return NODES.textNode("😀".repeat(length));
      }
      char unit = text.isEmpty() ? 'a' : text.charAt(0);
      return NODES.textNode(String.valueOf(unit).repeat(length));
    }
    if (value.isNumber() || value.isBoolean() || value.isNull()) {
      return pick(NUMBER_BOUNDS, random);
    }
    if (value.isObject()) {
      ObjectNode object = ((ObjectNode) value).deepCopy();
      if (random.nextBoolean()) {
        object.removeAll();
      } else {
        int target = 50 + random.nextInt(2);
        for (int i = 0; object.size() < target; i++) {
          object.put("k" + i, "v");
        }
      }
      return object;
    }
    ArrayNode array = ((ArrayNode) value).deepCopy();
    int choice = random.nextInt(4);
    if (choice == 0 || array.isEmpty()) {
      array.removeAll();
    } else {
      int target = choice == 1 ? array.size() + 1 : choice == 2 ? 8 + random.nextInt(2) : 1001;
      JsonNode first = array.get(0);
      while (array.size() < target) {
        array.add(first.deepCopy());
      }
    }
    return array;
  }

  private static JsonNode pattern(JsonNode value, Random random) {
    if (!value.isTextual()) {
      return pick(ANY_TYPE, random);
    }
    String text = value.asText();
    String odd = ODD_CHARACTERS[random.nextInt(ODD_CHARACTERS.length)];
    int at =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> text.length();
          default -> random.nextInt(text.length() + 1);
        };
    if (random.nextBoolean() && !text.isEmpty()) {
      int end = Math.min(text.length(), at + 1);
      return NODES.textNode(text.substring(0, Math.min(at, end - 1)) + odd + text.substring(end));
    }
    return NODES.textNode(text.substring(0, at) + odd + text.substring(at));
  }

  private static JsonNode nest(JsonNode value, int depth, Random random) {
    JsonNode nested = value;
    for (int i = 0; i < depth; i++) {
      nested =
          random.nextBoolean()
              ? NODES.arrayNode().add(nested)
              : NODES.objectNode().set("a", nested);
    }
    return nested;
  }

  private static ObjectNode shuffled(ObjectNode envelope, Random random) {
    List<String> names = new ArrayList<>();
    envelope.fieldNames().forEachRemaining(names::add);
    Collections.shuffle(names, random);
    ObjectNode copy = NODES.objectNode();
    for (String name : names) {
      copy.set(name, envelope.get(name));
    }
    return copy;
  }

  static ObjectNode mutate(int base, Mutation mutation, int target, int variant, boolean shuffle) {
    Random random = new Random(((long) target << 32) ^ variant);
    ObjectNode doc = BASES.get(base % BASES.size()).deepCopy();
    List<Slot> slots = new ArrayList<>();
    List<JsonNode> objects = new ArrayList<>();
    slots(doc, "$", slots, objects);
    Slot slot = slots.get(target % slots.size());
    switch (mutation) {
      case NONE -> {}
      case VALID_VALUE -> {
        List<JsonNode> values = POOL.get(slot.poolKey());
        if (values != null) {
          slot.set(pick(values, random).deepCopy());
        }
      }
      case WRONG_TYPE -> slot.set(pick(ANY_TYPE, random).deepCopy());
      case BOUNDS -> slot.set(bounds(slot.value(), random));
      case PATTERN -> {
        List<JsonNode> values = POOL.get(slot.poolKey());
        slot.set(
            values != null && random.nextInt(3) == 0
                ? pattern(pick(values, random), random)
                : pattern(slot.value(), random));
      }
      case MISSING -> slot.remove();
      case EXTRA -> {
        ObjectNode object = (ObjectNode) pick(objects, random);
        String name = pick(NAMES, random);
        List<JsonNode> values = POOL.get(name);
        object.set(
            name,
            values != null && random.nextInt(4) != 0
                ? pick(values, random).deepCopy()
                : pick(ANY_TYPE, random).deepCopy());
      }
      case TYPE -> doc.put("type", pick(TYPES, random));
      case NESTING -> slot.set(nest(slot.value().deepCopy(), 1 + random.nextInt(40), random));
    }
    return shuffle ? shuffled(doc, random) : doc;
  }

  @Property(tries = MIN_DOCUMENTS)
  @Label("The streaming decoder gives the schema validator's verdict and field on mutated examples")
  void streamingAgreesWithTheSchema(
      @ForAll @IntRange(min = 0, max = 1_000) int base,
      @ForAll Mutation mutation,
      @ForAll @IntRange(min = 0, max = 1_000_000) int target,
      @ForAll @IntRange(min = 0, max = 1_000_000) int variant,
      @ForAll boolean shuffle)
      throws IOException {
    ObjectNode doc = mutate(base, mutation, target, variant, shuffle);
    byte[] value = JSON.writeValueAsBytes(doc);
    String what = new String(value, StandardCharsets.UTF_8);

    Decoded oracle = Verdicts.ORACLE.decode(value);
    boolean sameWords = Verdicts.assertSame(oracle, Verdicts.STREAMING.decode(value), what);

    DOCUMENTS.incrementAndGet();
    REJECTED.addAndGet(oracle instanceof Decoded.Rejected ? 1 : 0);
    SAME_WORDS.addAndGet(sameWords ? 1 : 0);
    Statistics.label("verdict")
        .collect(mutation, oracle instanceof Decoded.Accepted ? "accepted" : "rejected");

    if (doc.has("data") && binaryAttributes(doc)) {
      BinaryMode.Binary binary = BinaryMode.fromEnvelope(doc);
      byte[] data = binary.value().getBytes(StandardCharsets.UTF_8);
      Verdicts.assertSame(
          Verdicts.ORACLE.decode(binary.headers(), data),
          Verdicts.STREAMING.decode(binary.headers(), data),
          "binary " + what);
      BINARY_DOCUMENTS.incrementAndGet();
    }
  }

  private static boolean binaryAttributes(ObjectNode doc) {
    for (Map.Entry<String, JsonNode> attribute : doc.properties()) {
      if (!attribute.getKey().equals("data") && !attribute.getValue().isTextual()) {
        return false;
      }
    }
    return true;
  }

  @AfterContainer
  static void enoughDocuments() {
    System.out.printf(
        "StreamingDecoderProperties: %d documents (%d rejected by the schema), %d also in binary"
            + " mode; reasons equal word for word: %d; the schema validator threw on %d%n",
        DOCUMENTS.get(),
        REJECTED.get(),
        BINARY_DOCUMENTS.get(),
        SAME_WORDS.get(),
        Verdicts.ORACLE_CRASHES.get());
    assertThat(DOCUMENTS.get()).isGreaterThanOrEqualTo(MIN_DOCUMENTS);
  }
}
