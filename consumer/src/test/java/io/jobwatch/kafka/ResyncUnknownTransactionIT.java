package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.jobwatch.store.OffsetsTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The resynchronisation after a failover to a server behind the one that lost a commit's answer, on
 * a real database and broker (the consumer's side a {@link MockConsumer}): the batch's transaction
 * id is one the new server has not handed out yet.
 */
@WithInfra
class ResyncUnknownTransactionIT {

  @Test
  @DisplayName(
      "A commit without an answer whose transaction id the database has not handed out yet (a"
          + " failover to an asynchronous standby behind the old primary): the resync does not"
          + " fail on txid_status ('in the future') for ever; the records are read again, not"
          + " counted, and the partition resumes")
  void transactionIdInTheFutureIsReadAgain(Infra infra) {
    try (ResyncFixture fixture = ResyncFixture.open(infra, 1, Duration.ofMinutes(2))) {
      OffsetResync offsets = fixture.offsets;
      MockConsumer<byte[], byte[]> kafka = fixture.kafka;
      TopicPartition partition = fixture.partition(0);

      // Records 0-4 were applied on the old primary, whose COMMIT answer was lost; the server
      // failed over to is many transactions behind it.
      long current =
          fixture.database.jdbi().withHandle(handle -> OffsetsTable.currentTransaction(handle));
      AtomicInteger counted = new AtomicInteger();
      offsets.commitUnconfirmed(
          current + 1_000_000, Map.of(partition, 5L), counted::incrementAndGet);
      offsets.markUnsynced(kafka.assignment());
      kafka.pause(kafka.assignment());

      assertThatCode(() -> offsets.resync(kafka))
          .as("the resynchronisation that ends the outage")
          .doesNotThrowAnyException();
      assertThat(counted.get()).as("a batch this database never saw is not counted").isZero();
      assertThat(offsets.hasUnsynced()).isFalse();
      assertThat(kafka.paused()).as("the partition resumes").isEmpty();
      assertThat(kafka.position(partition)).as("records 0-4 are read again").isZero();
      // And the next resynchronisation does not ask about it again.
      offsets.markUnsynced(kafka.assignment());
      assertThatCode(() -> offsets.resync(kafka)).doesNotThrowAnyException();
    }
  }
}
