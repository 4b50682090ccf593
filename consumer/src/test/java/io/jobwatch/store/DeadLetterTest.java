package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Dead letters: size cap and headers")
class DeadLetterTest {

  @Test
  @DisplayName("A value over the cap is cut to the cap, flagged, with its original size")
  void largeValueIsTruncatedAndFlagged() {
    byte[] value = new byte[300];
    value[99] = 7;
    DeadLetter letter = DeadLetter.capped("t", 0, 1, null, value, "r", List.of(), 100);
    assertThat(letter.value()).hasSize(100);
    assertThat(letter.value()[99]).isEqualTo((byte) 7);
    assertThat(letter.truncated()).isTrue();
    assertThat(letter.originalBytes()).isEqualTo(300);
  }

  @Test
  @DisplayName("A value at the cap, or no value, is stored whole and not flagged")
  void smallValueIsKept() {
    byte[] value = new byte[100];
    DeadLetter atCap = DeadLetter.capped("t", 0, 1, null, value, "r", List.of(), 100);
    DeadLetter none = DeadLetter.capped("t", 0, 1, null, null, "r", List.of(), 100);
    assertThat(atCap.value()).isSameAs(value);
    assertThat(atCap.truncated()).isFalse();
    assertThat(atCap.originalBytes()).isEqualTo(100);
    assertThat(none.value()).isNull();
    assertThat(none.truncated()).isFalse();
    assertThat(none.originalBytes()).isNull();
  }

  @Test
  @DisplayName("Headers are stored as a JSON array of key and base64 value, null values kept")
  void headersAsJson() {
    String json =
        DeadLettersTable.headersJson(
            List.of(
                new DeadLetter.Header("traceparent", new byte[] {'a', 'b'}),
                new DeadLetter.Header("empty", null)));
    assertThat(json)
        .isEqualTo(
            "[{\"key\":\"traceparent\",\"value\":\"YWI=\"},{\"key\":\"empty\",\"value\":null}]");
    assertThat(DeadLettersTable.headersJson(List.of())).isEqualTo("[]");
  }

  @Test
  @DisplayName(
      "A header key with a NUL, which jsonb refuses, is stored as base64 and reads back the same")
  void headerKeyWithNulIsStorable() {
    List<DeadLetter.Header> headers =
        List.of(
            new DeadLetter.Header("trace\u0000id", new byte[] {'a', 'b'}),
            new DeadLetter.Header("plain", null));

    String json = DeadLettersTable.headersJson(headers);

    assertThat(json).doesNotContain("\\u0000").contains("\"keyBase64\":\"dHJhY2UAaWQ=\"");
    List<DeadLetter.Header> back = DeadLettersTable.headers(json);
    assertThat(back).extracting(DeadLetter.Header::key).containsExactly("trace\u0000id", "plain");
    assertThat(back.get(0).value()).containsExactly('a', 'b');
  }
}
