package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Whether a poll left a backlog behind, which decides between writing a poll at once and reading
 * ahead while it is written (issue 12.4). Lags come from the Kafka client's own test consumer: the
 * end offsets and positions set here are what a real client reports from its fetch responses.
 */
class ProgressSnapshotTest {
  private static final TopicPartition A = new TopicPartition("lifecycle", 0);
  private static final TopicPartition B = new TopicPartition("errors", 0);

  // MockConsumer reports a lag of 0 for a partition without an end offset; a real client reports
  // none until the partition's first fetch answers, which this one does too.
  private final Set<TopicPartition> unfetched = new HashSet<>();
  private final MockConsumer<byte[], byte[]> kafka =
      new MockConsumer<>(AutoOffsetResetStrategy.NONE.name()) {
        @Override
        public synchronized OptionalLong currentLag(TopicPartition partition) {
          return unfetched.contains(partition) ? OptionalLong.empty() : super.currentLag(partition);
        }
      };
  private final ProgressTracker tracker = new ProgressTracker(null, "group", Clock.systemUTC());

  private boolean leftNothing(long positionA, long positionB) {
    kafka.seek(A, positionA);
    kafka.seek(B, positionB);
    return tracker.polled(kafka, ConsumerRecords.empty()).leftNothing();
  }

  @Test
  @DisplayName("every consumed partition at its end: nothing left behind")
  void caughtUp() {
    kafka.assign(List.of(A, B));
    kafka.updateEndOffsets(Map.of(A, 10L, B, 5L));

    assertThat(leftNothing(10, 5)).isTrue();
  }

  @Test
  @DisplayName("one partition with records after the poll: a backlog")
  void behind() {
    kafka.assign(List.of(A, B));
    kafka.updateEndOffsets(Map.of(A, 10L, B, 5L));

    assertThat(leftNothing(8, 5)).isFalse();
    assertThat(leftNothing(10, 4)).isFalse();
  }

  @Test
  @DisplayName("a partition whose lag is not known yet may hide a backlog")
  void unknownLag() {
    kafka.assign(List.of(A, B));
    kafka.updateEndOffsets(Map.of(A, 10L));
    unfetched.add(B);

    assertThat(leftNothing(10, 0)).isFalse();
  }

  @Test
  @DisplayName("a paused partition's backlog is not read now, so it does not count")
  void pausedPartition() {
    kafka.assign(List.of(A, B));
    kafka.updateEndOffsets(Map.of(A, 10L, B, 5L));
    kafka.pause(List.of(B));

    assertThat(leftNothing(10, 0)).isTrue();
  }
}
