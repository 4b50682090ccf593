package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.OffsetsTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The resynchronisation that ends an outage, on a real database and broker (the consumer's side a
 * {@link MockConsumer}, so that which partitions are assigned is the test's choice): a commit
 * without an answer met by a topic deleted and created again meanwhile.
 */
@WithInfra
class ResyncRecreatedTopicIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "A batch whose commit got no answer but committed, then its topic deleted and created again"
          + " during the outage: the resync that discards the old topic's offsets still counts the"
          + " batch, which the rows hold (its records cannot be read again)")
  void unconfirmedBatchOfARecreatedTopicIsCounted(Infra infra) throws Exception {
    try (ResyncFixture fixture = ResyncFixture.open(infra, 1, Duration.ofMinutes(2))) {
      OffsetResync offsets = fixture.offsets;
      MockConsumer<byte[], byte[]> kafka = fixture.kafka;
      TopicPartition partition = fixture.partition(0);
      String lifecycle = fixture.lifecycle;
      String group = fixture.group;
      Database database = fixture.database;

      // A batch of 5 records commits its offsets, and its COMMIT's answer is lost.
      Map<TopicPartition, Long> next = Map.of(partition, 5L);
      long transaction =
          database
              .jdbi()
              .inTransaction(
                  handle -> {
                    assertThat(OffsetsTable.advance(handle, group, offsets.advances(next)))
                        .isTrue();
                    return OffsetsTable.currentTransaction(handle);
                  });
      AtomicInteger counted = new AtomicInteger();
      offsets.commitUnconfirmed(transaction, next, counted::incrementAndGet);
      offsets.markUnsynced(kafka.assignment());

      // During the outage the topic is deleted and created again.
      recreate(infra, lifecycle);

      assertThat(offsets.resync(kafka)).isEmpty();
      List<OffsetsTable.StoredOffset> stored =
          database
              .jdbi()
              .withHandle(
                  handle -> OffsetsTable.load(handle, group, List.of(lifecycle, fixture.errors)));
      assertThat(stored).as("the old topic's offsets are discarded").isEmpty();
      assertThat(counted.get())
          .as("the batch the database holds, counted once, though its topic's offsets are gone")
          .isEqualTo(1);
    }
  }

  /** Deletes the topic and creates it again, empty, with one partition. */
  private static void recreate(Infra infra, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
      UUID before = idOf(admin, topic);
      admin.deleteTopics(List.of(topic)).all().get();
      await(
          "the topic to be created again",
          () -> {
            try {
              admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
              return true;
            } catch (ExecutionException | InterruptedException e) {
              return false;
            }
          });
      await(
          "the new topic to have a leader and a new id",
          () -> {
            try {
              var description = admin.describeTopics(List.of(topic)).allTopicNames().get();
              return description.get(topic).partitions().stream().allMatch(p -> p.leader() != null)
                  && !before.equals(idOf(admin, topic));
            } catch (ExecutionException | InterruptedException e) {
              return false;
            }
          });
    }
  }

  private static UUID idOf(Admin admin, String topic)
      throws ExecutionException, InterruptedException {
    var id = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
    return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
