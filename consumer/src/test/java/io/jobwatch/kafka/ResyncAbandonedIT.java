package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.OffsetsTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A commit without an answer still in progress past the wait is abandoned (its records read again);
 * on a real database and broker, the consumer's side a {@link MockConsumer}.
 */
@WithInfra
class ResyncAbandonedIT {

  @Test
  @DisplayName(
      "An abandoned transaction whose id later reads as committed is not counted when a later"
          + " batch over its partition committed: that batch's compare-and-set proves the"
          + " abandoned one never did (its id named another transaction)")
  void laterBatchOverItsPartitionOutranksAnAbandonedId(Infra infra) throws Exception {
    // No wait for an undecided commit: the first resync that finds it in progress abandons it.
    try (ResyncFixture fixture = ResyncFixture.open(infra, 1, Duration.ZERO)) {
      OffsetResync offsets = fixture.offsets;
      TopicPartition partition = fixture.partition(0);

      // A transaction id that is in progress when asked and commits later without storing any
      // offsets: what a batch's id can name after a failover (handed out again).
      AtomicInteger abandonedCounted = new AtomicInteger();
      try (Handle other = fixture.database.jdbi().open()) {
        fixture.abandon(other, Map.of(partition, 5L), abandonedCounted);
        other.commit();
      }

      // The records are read again; the batch over them commits, and its answer is lost too.
      Map<TopicPartition, Long> next = Map.of(partition, 8L);
      long later =
          fixture
              .database
              .jdbi()
              .inTransaction(
                  handle -> {
                    assertThat(OffsetsTable.advance(handle, fixture.group, offsets.advances(next)))
                        .isTrue();
                    return OffsetsTable.currentTransaction(handle);
                  });
      AtomicInteger laterCounted = new AtomicInteger();
      offsets.commitUnconfirmed(later, next, laterCounted::incrementAndGet);
      fixture.resync();

      assertThat(laterCounted.get()).as("the batch that committed, counted once").isEqualTo(1);
      assertThat(abandonedCounted.get())
          .as("the abandoned id, committed as another transaction")
          .isZero();
      assertThat(fixture.kafka.position(partition)).isEqualTo(8);
    }
  }

  @Test
  @DisplayName(
      "A second commit without an answer abandoned while the first is still in progress does not"
          + " make the first forgotten: the first, committing after all, is counted")
  void secondAbandonedTransactionKeepsTheFirst(Infra infra) throws Exception {
    try (ResyncFixture fixture = ResyncFixture.open(infra, 2, Duration.ZERO)) {
      TopicPartition first = fixture.partition(0);
      TopicPartition second = fixture.partition(1);

      AtomicInteger firstCounted = new AtomicInteger();
      AtomicInteger secondCounted = new AtomicInteger();
      try (Handle firstBatch = fixture.database.jdbi().open();
          Handle secondBatch = fixture.database.jdbi().open()) {
        // The batch over partition 0 lost its commit's answer; the server still shows it in
        // progress (a session it has not dropped yet): abandoned, its records read again.
        fixture.abandon(firstBatch, Map.of(first, 5L), firstCounted);

        // A batch over partition 1 alone loses its answer too, and is abandoned in turn.
        fixture.abandon(secondBatch, Map.of(second, 3L), secondCounted);

        // The first commits after all, with its offsets: the batch that read its records again
        // is fenced, and the resync after that must count it.
        assertThat(fixture.store(firstBatch, 0, 5L)).isTrue();
        firstBatch.commit();
        fixture.resync();
        assertThat(firstCounted.get()).as("the first abandoned batch, committed late").isEqualTo(1);
        assertThat(secondCounted.get()).as("the second, still in progress").isZero();
        assertThat(fixture.kafka.position(first)).isEqualTo(5);

        secondBatch.rollback();
        fixture.resync();
      }
      assertThat(firstCounted.get()).as("the first, counted once").isEqualTo(1);
      assertThat(secondCounted.get()).as("the second, aborted").isZero();
      assertThat(fixture.kafka.position(second)).isZero();
    }
  }

  @Test
  @DisplayName(
      "Of two abandoned transactions over the same partition, the later one found committed is"
          + " counted and the earlier one is not, although its id reads as committed too (it named"
          + " another transaction): the later one advanced from the offsets the earlier one would"
          + " have moved")
  void laterAbandonedTransactionOutranksAnEarlierOne(Infra infra) throws Exception {
    try (ResyncFixture fixture = ResyncFixture.open(infra, 1, Duration.ZERO)) {
      TopicPartition partition = fixture.partition(0);

      AtomicInteger earlierCounted = new AtomicInteger();
      AtomicInteger laterCounted = new AtomicInteger();
      try (Handle other = fixture.database.jdbi().open();
          Handle laterBatch = fixture.database.jdbi().open()) {
        // The first batch's id names a transaction in progress that stores no offsets (handed out
        // again after a failover): abandoned.
        fixture.abandon(other, Map.of(partition, 5L), earlierCounted);

        // The batch over the same records read again loses its answer and is abandoned too.
        fixture.abandon(laterBatch, Map.of(partition, 5L), laterCounted);

        // Both commit; only the later one stored the offsets.
        assertThat(fixture.store(laterBatch, 0, 5L)).isTrue();
        laterBatch.commit();
        other.commit();
      }
      fixture.resync();
      fixture.resync();

      assertThat(laterCounted.get()).as("the batch that committed, counted once").isEqualTo(1);
      assertThat(earlierCounted.get())
          .as("the earlier id, committed as another transaction")
          .isZero();
      assertThat(fixture.kafka.position(partition)).isEqualTo(5);
    }
  }
}
