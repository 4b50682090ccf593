package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.contract.BinaryMode.Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Content-mode detection, the binary-to-envelope mapping, and the same verdicts in both modes. */
class BinaryModeTest {
  private static final Path EXAMPLES = Path.of("..", "schemas", "examples");
  private static final EventDecoder DECODER = new EventDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FINISHED =
      "{\"job_id\":\"j-1\",\"attempt\":1,\"exit_code\":0}".getBytes(StandardCharsets.UTF_8);

  private static List<Header> headers(String... namesAndValues) {
    List<Header> headers = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(Header.text(namesAndValues[i], namesAndValues[i + 1]));
    }
    return headers;
  }

  private static List<Header> finishedHeaders() {
    return headers(
        "content-type", "application/json",
        "ce_specversion", "1.0",
        "ce_id", "e-1",
        "ce_source", "/runner/a",
        "ce_type", "job.finished",
        "ce_time", "2026-11-22T10:00:00Z");
  }

  private static String rejection(List<Header> headers, byte[] value) {
    Decoded decoded = DECODER.decode(headers, value);
    assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
    return ((Decoded.Rejected) decoded).reason();
  }

  @Test
  @DisplayName(
      "A number beyond double range in a binary value is a number, as in structured mode: a"
          + " string field rejects it (it was copied as the string \"-Infinity\")")
  void hugeNumberInBinaryValueStaysANumber() {
    List<Header> headers = finishedHeaders();
    headers.set(4, Header.text("ce_type", "job.cancelled"));
    byte[] value = "{\"job_id\":\"j-1\",\"reason\":-1E+400}".getBytes(StandardCharsets.UTF_8);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(headers, value);
      assertThat(decoded).as(decoder.validation().name()).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason())
          .isEqualTo("$.data.reason: number found, string expected");
    }
  }

  @Test
  @DisplayName("No headers, or content-type application/cloudevents+json, is structured mode")
  void structuredModeIsDetected() {
    assertThat(BinaryMode.isBinary(List.of())).isFalse();
    assertThat(BinaryMode.isBinary(headers("traceparent", "00-ab"))).isFalse();
    assertThat(BinaryMode.isBinary(headers("content-type", "application/cloudevents+json")))
        .isFalse();
    assertThat(
            BinaryMode.isBinary(
                headers(
                    "ce_id", "x", "Content-Type", "application/cloudevents+json; charset=UTF-8")))
        .isFalse();
  }

  @Test
  @DisplayName(
      "A record in batch content mode (application/cloudevents-batch+json) is rejected saying that"
          + " batches are not read: one event per record")
  void batchModeIsRejectedByName() throws IOException {
    ObjectNode event = Verdicts.validExample("job.finished");
    byte[] batch = ("[" + event + "," + event + "]").getBytes(StandardCharsets.UTF_8);
    for (EventDecoder decoder : Verdicts.BOTH) {
      for (String contentType :
          List.of(
              "application/cloudevents-batch+json",
              "Application/CloudEvents-Batch+JSON; charset=UTF-8")) {
        Decoded decoded = decoder.decode(headers("content-type", contentType), batch);
        assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason())
            .as("%s %s", decoder.validation(), contentType)
            .startsWith("header content-type: '" + contentType + "' is the batch content mode")
            .contains("one event per record");
      }
    }
  }

  @Test
  @DisplayName(
      "Attributes in headers named ce-id (the HTTP binding's form) or CE_ID are dead-lettered"
          + " naming the header and the Kafka binding's lower-case ce_ form")
  void misnamedAttributeHeadersAreNamed() {
    for (String prefix : List.of("ce-", "CE_", "Ce-")) {
      List<Header> headers = new ArrayList<>();
      for (Header header : finishedHeaders()) {
        String name = header.name();
        headers.add(
            new Header(name.startsWith("ce_") ? prefix + name.substring(3) : name, header.value()));
      }
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded decoded = decoder.decode(headers, FINISHED);
        assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason())
            .as("%s %s", decoder.validation(), prefix)
            .startsWith("header " + prefix + "specversion: ")
            .contains("ce_specversion");
      }
    }
  }

  @Test
  @DisplayName("A batch content type or a misnamed header shown in a reason carries no NUL or CR")
  void headersShownInReasonsHoldNoControlCharacters() {
    byte[] batch = "[]".getBytes(StandardCharsets.UTF_8);
    String batchReason =
        rejection(headers("content-type", "application/cloudevents-batch+json\r\u0000"), batch);
    assertThat(batchReason)
        .startsWith("header content-type: 'application/cloudevents-batch+json??'");
    String c1AndLong =
        rejection(
            headers(
                "content-type",
                "application/cloudevents-batch+json;x=\u009b\u202e" + "y".repeat(300)),
            batch);
    assertThat(c1AndLong)
        .doesNotContain("\u009b")
        .doesNotContain("\u202e")
        .doesNotContain("y".repeat(101));
    String oddName =
        rejection(headers("ce-\u0000", "x", "content-type", "application/json"), FINISHED);
    assertThat(oddName).doesNotContain("\u0000").doesNotStartWith("header ce-");
  }

  @Test
  @DisplayName("A structured record that also carries a ce-… header is still read as structured")
  void structuredRecordWithAnHttpStyleHeaderIsAccepted() throws IOException {
    ObjectNode envelope = Verdicts.validExample("job.finished");
    for (EventDecoder decoder : Verdicts.BOTH) {
      assertThat(
              decoder.decode(
                  headers("ce-id", "forwarded-from-http", "content-type", "application/json"),
                  envelope.toString().getBytes(StandardCharsets.UTF_8)))
          .as("%s", decoder.validation())
          .isInstanceOf(Decoded.Accepted.class);
    }
  }

  @Test
  @DisplayName(
      "A structured event whose data is data_base64 (an SDK given bytes) is rejected saying that"
          + " data must be the JSON object")
  void dataBase64IsRejectedByName() throws IOException {
    ObjectNode event = Verdicts.validExample("job.finished");
    String data = event.remove("data").toString();
    event.put(
        "data_base64",
        java.util.Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
    for (EventDecoder decoder : Verdicts.BOTH) {
      for (List<Header> headers :
          List.of(List.<Header>of(), headers("content-type", "application/cloudevents+json"))) {
        Decoded decoded =
            decoder.decode(headers, event.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason())
            .as("%s", decoder.validation())
            .startsWith("$.data_base64: data in base64 is not read");
      }
    }
  }

  @Test
  @DisplayName("A ce_ header without a CloudEvents content-type is binary mode")
  void binaryModeIsDetected() {
    assertThat(BinaryMode.isBinary(headers("ce_specversion", "1.0"))).isTrue();
    assertThat(BinaryMode.isBinary(headers("content-type", "application/json", "ce_id", "x")))
        .isTrue();
    assertThat(BinaryMode.isBinary(headers("ce_partitionkey", "j-1", "content-type", "text/plain")))
        .isTrue();
  }

  @Test
  @DisplayName("A content-type that is not CloudEvents, without any ce_ header, is structured")
  void contentTypeWithoutCeHeadersIsStructured() {
    assertThat(BinaryMode.isBinary(headers("content-type", "application/json"))).isFalse();
    assertThat(BinaryMode.isBinary(headers("Content-Type", "text/plain", "traceparent", "00-ab")))
        .isFalse();
  }

  @Test
  @DisplayName("A record as sdk-python's kafka to_structured sends it is read as structured")
  void pythonSdkStructuredRecordIsAccepted() throws IOException {
    // cloudevents.kafka.to_structured pops datacontenttype into a content-type header and sends
    // the rest of the envelope as the value, with no ce_ header: the binding would read that as
    // binary, but a record without ce_ headers cannot be a binary event.
    ObjectNode envelope = Verdicts.validExample("job.finished");
    envelope.remove("datacontenttype");
    envelope.put("partitionkey", envelope.get("data").get("job_id").asText());
    byte[] value = JSON.writeValueAsBytes(envelope);

    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded structured = decoder.decode(value);
      for (String contentType : List.of("application/json", "text/plain")) {
        Decoded decoded = decoder.decode(headers("content-type", contentType), value);

        assertThat(decoded)
            .as("%s (%s)", contentType, decoder.validation())
            .isInstanceOf(Decoded.Accepted.class);
        Decoded.Accepted accepted = (Decoded.Accepted) decoded;
        assertThat(accepted.event()).isEqualTo(((Decoded.Accepted) structured).event());
        assertThat(accepted.json())
            .as("the header is not read: the value is stored as it came")
            .isEqualTo(new String(value, StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  @DisplayName(
      "A structured value with a ce_ header and content-type application/json stays binary")
  void structuredValueWithCeHeaderIsBinary() throws IOException {
    byte[] value = Files.readAllBytes(EXAMPLES.resolve("valid").resolve("job.finished.json"));
    List<Header> headers = headers("content-type", "application/json", "ce_partitionkey", "j-1");

    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(headers, value);
      assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason())
          .startsWith("header ce_specversion: missing")
          .contains("application/cloudevents+json, or no ce_ headers");
    }
  }

  @Test
  @DisplayName("A binary record folds to the same event as its structured twin")
  void binaryRecordDecodesLikeStructured() throws IOException {
    Decoded binary = DECODER.decode(finishedHeaders(), FINISHED);
    String structured =
        "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/runner/a\",\"type\":\"job.finished\","
            + "\"time\":\"2026-11-22T10:00:00Z\",\"datacontenttype\":\"application/json\","
            + "\"data\":{\"job_id\":\"j-1\",\"attempt\":1,\"exit_code\":0}}";
    Decoded expected = DECODER.decode(structured.getBytes(StandardCharsets.UTF_8));

    assertThat(binary).isInstanceOf(Decoded.Accepted.class);
    Decoded.Accepted accepted = (Decoded.Accepted) binary;
    assertThat(accepted.event()).isEqualTo(((Decoded.Accepted) expected).event());
    assertThat(accepted.source()).isEqualTo("/runner/a");
    assertThat(JSON.readTree(accepted.json())).isEqualTo(JSON.readTree(structured));
  }

  @Test
  @DisplayName("A header that appears twice is rejected naming it")
  void repeatedHeaderIsRejected() {
    List<Header> headers = finishedHeaders();
    headers.add(Header.text("ce_id", "e-2"));

    assertThat(rejection(headers, FINISHED)).startsWith("header ce_id: appears more than once");
  }

  @Test
  @DisplayName("A header value that is not UTF-8 is rejected naming the header")
  void headerNotUtf8IsRejected() {
    List<Header> headers = finishedHeaders();
    headers.set(3, new Header("ce_source", new byte[] {(byte) 0xC3, (byte) 0x28}));

    assertThat(rejection(headers, FINISHED))
        .startsWith("header ce_source: value is not valid UTF-8");
  }

  @Test
  @DisplayName("A NUL in a header is rejected as PostgreSQL cannot store it")
  void nulInHeaderIsRejected() {
    List<Header> headers = finishedHeaders();
    headers.set(3, Header.text("ce_source", "/runner/\u0000"));

    assertThat(rejection(headers, FINISHED)).contains("\\u0000");
  }

  @Test
  @DisplayName("An empty value in binary mode is rejected: the value is the data")
  void emptyValueIsRejected() {
    assertThat(rejection(finishedHeaders(), new byte[0])).contains("binary content mode");
  }

  @Test
  @DisplayName("A missing header is named before the value is looked at")
  void missingHeaderIsNamedFirst() {
    List<Header> headers = finishedHeaders();
    headers.remove(5);

    assertThat(rejection(headers, "not json".getBytes(StandardCharsets.UTF_8)))
        .startsWith("header ce_time: missing");
  }

  @Test
  @DisplayName("An optional attribute's header without a value is absent, as null is in JSON")
  void optionalHeaderWithoutValueIsAbsent() {
    // Kafka's null header (length -1), which the Java client and librdkafka send for a null value
    // (kafkajs cannot: it refuses sdk-javascript's undefined ones); structured mode reads
    // "subject": null as absent.
    List<Header> headers = finishedHeaders();
    headers.set(0, new Header("content-type", null));
    for (String optional : List.of("ce_subject", "ce_dataschema", "ce_partitionkey")) {
      headers.add(new Header(optional, null));
    }
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded plain = decoder.decode(finishedHeaders(), FINISHED);
      Decoded decoded = decoder.decode(headers, FINISHED);

      assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Accepted.class);
      Decoded.Accepted accepted = (Decoded.Accepted) decoded;
      assertThat(accepted.event()).isEqualTo(((Decoded.Accepted) plain).event());
      assertThat(accepted.json())
          .doesNotContain("subject", "dataschema", "partitionkey", "datacontenttype");
    }
  }

  @Test
  @DisplayName("A required attribute's header without a value is still rejected naming it")
  void requiredHeaderWithoutValueIsRejected() {
    for (int i = 1; i < 6; i++) {
      List<Header> headers = finishedHeaders();
      String name = headers.get(i).name();
      headers.set(i, new Header(name, null));
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded decoded = decoder.decode(headers, FINISHED);
        assertThat(decoded).as(name).isInstanceOf(Decoded.Rejected.class);
        assertThat(((Decoded.Rejected) decoded).reason())
            .startsWith("header " + name + ": has no value");
      }
    }
  }

  @Test
  @DisplayName("A header without a value still counts once: a second one is a repeat")
  void headerWithoutValueThenWithValueIsRepeated() {
    List<Header> headers = finishedHeaders();
    headers.add(new Header("ce_subject", null));
    headers.add(Header.text("ce_subject", "j-1"));

    assertThat(rejection(headers, FINISHED))
        .startsWith("header ce_subject: appears more than once");
  }

  @Test
  @DisplayName("A content-type header without a value does not make a record binary")
  void contentTypeWithoutValueAloneIsStructured() throws IOException {
    List<Header> headers = List.of(new Header("content-type", null));
    byte[] structured = Files.readAllBytes(EXAMPLES.resolve("valid").resolve("job.finished.json"));

    assertThat(BinaryMode.isBinary(headers)).isFalse();
    for (EventDecoder decoder : Verdicts.BOTH) {
      assertThat(decoder.decode(headers, structured))
          .as("%s", decoder.validation())
          .isInstanceOf(Decoded.Accepted.class);
    }
  }

  /**
   * Headers as sdk-javascript's Kafka.binary() gives them for an event with datacontenttype set
   * (own-property order), its unset attributes as headers without a value: what a client that can
   * send null headers would send (kafkajs refuses them; see {@link
   * #javascriptSdkRecordAsKafkajsSendsItIsAccepted}).
   */
  private static List<Header> javascriptSdkHeaders() {
    List<Header> headers = new ArrayList<>();
    headers.add(Header.text("content-type", "application/json"));
    headers.add(Header.text("ce_id", "0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10"));
    headers.add(Header.text("ce_time", "2026-11-22T10:00:00.123Z"));
    headers.add(Header.text("ce_type", "job.finished"));
    headers.add(Header.text("ce_source", "/runner/slurm/eu-1"));
    headers.add(Header.text("ce_specversion", "1.0"));
    headers.add(Header.text("ce_datacontenttype", "application/json"));
    headers.add(new Header("ce_subject", null));
    headers.add(new Header("ce_datacontentencoding", null));
    headers.add(new Header("ce_dataschema", null));
    headers.add(new Header("ce_schemaurl", null));
    headers.add(Header.text("ce_partitionkey", "j-1"));
    return headers;
  }

  private static Decoded.Accepted acceptedByBoth(List<Header> headers) {
    Decoded.Accepted accepted = null;
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(headers, FINISHED);
      assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Accepted.class);
      accepted = (Decoded.Accepted) decoded;
    }
    return accepted;
  }

  private static void rejectedByBoth(List<Header> headers, String reasonStart) {
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(headers, FINISHED);
      assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason()).startsWith(reasonStart);
    }
  }

  @Test
  @DisplayName("A record exactly as sdk-javascript sends it, ce_datacontenttype included, is read")
  void javascriptSdkBinaryRecordIsAccepted() throws IOException {
    // sdk-javascript's headersFor() makes a ce_ header of every attribute but data, so
    // datacontenttype goes out twice (Kafka binding 3.2.3: all attributes but data are headers).
    Decoded.Accepted accepted = acceptedByBoth(javascriptSdkHeaders());

    JsonNode stored = JSON.readTree(accepted.json());
    assertThat(stored.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(stored.get("partitionkey").asText()).isEqualTo("j-1");
    assertThat(stored.has("subject")).isFalse();
  }

  @Test
  @DisplayName(
      "A record as kafkajs sends sdk-javascript's Kafka.binary(): unset attributes left out, no"
          + " content-type, extensions as text")
  void javascriptSdkRecordAsKafkajsSendsItIsAccepted() throws IOException {
    // kafkajs 2.2 throws on an undefined or null header value, so docs/publishing.md's Node
    // snippet leaves the unset attributes out and stringifies the rest: without datacontenttype
    // set there is no content-type header at all.
    List<Header> headers =
        headers(
            "ce_id", "0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10",
            "ce_time", "2026-11-22T10:00:00.123Z",
            "ce_type", "job.finished",
            "ce_source", "/cron/host-1",
            "ce_specversion", "1.0",
            "ce_partitionkey", "j-1",
            "ce_sequence", "5");

    Decoded.Accepted accepted = acceptedByBoth(headers);

    JsonNode stored = JSON.readTree(accepted.json());
    assertThat(stored.has("datacontenttype")).isFalse();
    assertThat(stored.get("partitionkey").asText()).isEqualTo("j-1");
    assertThat(stored.get("sequence").asText()).isEqualTo("5");
    assertThat(stored.get("time").asText()).isEqualTo("2026-11-22T10:00:00.123Z");
  }

  @Test
  @DisplayName(
      "A record as sdk-javascript's Kafka.structured() makes it (charset parameter, partitionkey"
          + " and numeric extension members) is structured mode and read")
  void javascriptSdkStructuredRecordIsAccepted() throws IOException {
    byte[] envelope =
        ("{\"id\":\"0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10\",\"time\":\"2026-11-22T10:00:00.000Z\","
                + "\"type\":\"job.finished\",\"source\":\"/cron/host-1\",\"specversion\":\"1.0\","
                + "\"data\":{\"job_id\":\"j-1\",\"attempt\":1,\"exit_code\":0},"
                + "\"partitionkey\":\"j-1\",\"sequence\":5}")
            .getBytes(StandardCharsets.UTF_8);
    List<Header> headers = headers("content-type", "application/cloudevents+json; charset=utf-8");

    assertThat(BinaryMode.isBinary(headers)).isFalse();
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(headers, envelope);
      assertThat(decoded).as("%s", decoder.validation()).isInstanceOf(Decoded.Accepted.class);
      assertThat(JSON.readTree(((Decoded.Accepted) decoded).json()).get("partitionkey").asText())
          .isEqualTo("j-1");
    }
  }

  @Test
  @DisplayName("ce_datacontenttype beside content-type must name the same media type")
  void datacontenttypeHeaderMustMatchContentType() throws IOException {
    List<Header> sameIgnoringCase = finishedHeaders();
    sameIgnoringCase.add(Header.text("ce_datacontenttype", "APPLICATION/json ;Charset=UTF-8"));
    sameIgnoringCase.set(0, Header.text("content-type", "application/json; charset=utf-8"));
    Decoded.Accepted accepted = acceptedByBoth(sameIgnoringCase);
    assertThat(JSON.readTree(accepted.json()).get("datacontenttype").asText())
        .as("content-type is the binding's header for datacontenttype")
        .isEqualTo("application/json; charset=utf-8");

    List<Header> different = finishedHeaders();
    different.add(Header.text("ce_datacontenttype", "text/plain"));
    rejectedByBoth(
        different,
        "header ce_datacontenttype: 'text/plain' is not the content-type 'application/json'");

    List<Header> otherParameter = finishedHeaders();
    otherParameter.add(Header.text("ce_datacontenttype", "application/json; charset=latin1"));
    rejectedByBoth(otherParameter, "header ce_datacontenttype: ");
  }

  @Test
  @DisplayName("ce_datacontenttype alone is the datacontenttype, held to its rule")
  void datacontenttypeHeaderAloneIsTheAttribute() throws IOException {
    List<Header> alone = finishedHeaders();
    alone.set(0, Header.text("ce_datacontenttype", "application/json"));
    Decoded.Accepted accepted = acceptedByBoth(alone);
    assertThat(JSON.readTree(accepted.json()).get("datacontenttype").asText())
        .isEqualTo("application/json");

    List<Header> notJson = finishedHeaders();
    notJson.set(0, Header.text("ce_datacontenttype", "text/plain"));
    rejectedByBoth(notJson, "header ce_datacontenttype: $.datacontenttype: ");

    List<Header> twice = finishedHeaders();
    twice.set(0, Header.text("ce_datacontenttype", "application/json"));
    twice.add(Header.text("ce_datacontenttype", "application/json"));
    rejectedByBoth(twice, "header ce_datacontenttype: appears more than once");

    List<Header> data = finishedHeaders();
    data.add(Header.text("ce_data", "{}"));
    rejectedByBoth(data, "header ce_data: not a header in binary mode");
  }

  @Test
  @DisplayName("content-type and ce_datacontenttype name JSON in any letter case")
  void contentTypeIsCaseInsensitive() {
    List<Header> contentType = finishedHeaders();
    contentType.set(0, Header.text("content-type", "Application/JSON; charset=UTF-8"));
    acceptedByBoth(contentType);

    List<Header> attribute = finishedHeaders();
    attribute.set(0, Header.text("ce_datacontenttype", "application/JSON"));
    acceptedByBoth(attribute);

    List<Header> notJson = finishedHeaders();
    notJson.set(0, Header.text("content-type", "Text/Plain"));
    rejectedByBoth(notJson, "header content-type: $.datacontenttype: ");
  }

  @Test
  @DisplayName("Headers that are not CloudEvents attributes are ignored")
  void otherHeadersAreIgnored() {
    List<Header> headers = finishedHeaders();
    headers.add(Header.text("traceparent", "00-abc"));
    headers.add(new Header("x-retry", null));

    assertThat(DECODER.decode(headers, FINISHED)).isInstanceOf(Decoded.Accepted.class);
  }

  static List<Path> structuredExamples() throws IOException {
    List<Path> all = new ArrayList<>();
    for (String folder : List.of("valid", "invalid")) {
      try (Stream<Path> files = Files.list(EXAMPLES.resolve(folder))) {
        all.addAll(
            files
                .filter(f -> f.toString().endsWith(".json"))
                .sorted()
                .collect(Collectors.toList()));
      }
    }
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structuredExamples")
  @DisplayName("Every structured example sent in binary mode gets the same verdict")
  void binaryModeGivesTheSameVerdict(Path example) throws IOException {
    JsonNode envelope;
    try {
      envelope = JSON.readTree(Files.readAllBytes(example));
    } catch (IOException notJson) {
      return; // not an envelope: nothing to map to headers
    }
    if (envelope == null || !envelope.isObject() || !envelope.path("data").isObject()) {
      return; // the value cannot be split into headers and a data object
    }
    for (Map.Entry<String, JsonNode> attribute : envelope.properties()) {
      if (!attribute.getKey().equals("data") && !attribute.getValue().isTextual()) {
        return; // binary headers carry only strings
      }
    }
    Decoded structured = DECODER.decode(Files.readAllBytes(example));
    BinaryMode.Binary binary = BinaryMode.fromEnvelope(envelope);

    Decoded decoded =
        DECODER.decode(binary.headers(), binary.value().getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.getClass()).isEqualTo(structured.getClass());
    if (structured instanceof Decoded.Accepted accepted) {
      assertThat(((Decoded.Accepted) decoded).event()).isEqualTo(accepted.event());
    }
  }
}
