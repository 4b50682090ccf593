package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Whether a transaction whose commit got no answer is counted as committed: the database must call
 * its id committed and hold offsets at or past its own (docs/architecture.md, "A commit without an
 * answer").
 */
class CommittedHereTest {
  private static final TopicPartition A = new TopicPartition("lifecycle", 0);
  private static final TopicPartition B = new TopicPartition("errors", 0);

  @Test
  @DisplayName("committed, and the stored offsets are its own or later ones: counted")
  void committedWithItsOffsets() {
    assertThat(OffsetResync.committedHere("committed", Map.of(A, 30L), Map.of(A, 30L))).isTrue();
    assertThat(OffsetResync.committedHere("committed", Map.of(A, 30L), Map.of(A, 45L))).isTrue();
    assertThat(
            OffsetResync.committedHere(
                "committed",
                Map.of(A, 30L, B, 4L),
                Map.of(A, 30L, B, 9L, new TopicPartition("x", 1), 0L)))
        .isTrue();
  }

  @Test
  @DisplayName(
      "committed by its id, but the stored offsets are short of its own (the id handed out again"
          + " after a failover): not counted, its records are read again")
  void committedIdWithoutItsOffsets() {
    assertThat(OffsetResync.committedHere("committed", Map.of(A, 30L), Map.of(A, 0L))).isFalse();
    assertThat(OffsetResync.committedHere("committed", Map.of(A, 30L), Map.of())).isFalse();
    assertThat(
            OffsetResync.committedHere("committed", Map.of(A, 30L, B, 4L), Map.of(A, 30L, B, 3L)))
        .isFalse();
  }

  @Test
  @DisplayName("aborted, in progress or too old to tell: not counted")
  void notCommitted() {
    assertThat(OffsetResync.committedHere("aborted", Map.of(A, 30L), Map.of(A, 30L))).isFalse();
    assertThat(OffsetResync.committedHere("in progress", Map.of(A, 30L), Map.of(A, 30L))).isFalse();
    assertThat(OffsetResync.committedHere(null, Map.of(A, 30L), Map.of(A, 30L))).isFalse();
  }
}
