package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.OffsetsTable;
import io.jobwatch.store.PartitionAdvance;
import io.jobwatch.testing.Infra;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;

/**
 * The resynchronisation that ends an outage, on a real database and broker, for the Resync*IT
 * tests: the consumer's side a {@link MockConsumer}, so that which partitions are assigned is the
 * test's choice. Opened with every partition of a new lifecycle topic assigned and synchronised
 * once, nothing stored yet.
 */
final class ResyncFixture implements AutoCloseable {
  final String lifecycle;
  final String errors;
  final String group;
  final Database database;
  final MockConsumer<byte[], byte[]> kafka;
  final OffsetResync offsets;
  private final TopicIds topicIds;

  private ResyncFixture(
      String lifecycle,
      String errors,
      String group,
      Database database,
      TopicIds topicIds,
      MockConsumer<byte[], byte[]> kafka,
      OffsetResync offsets) {
    this.lifecycle = lifecycle;
    this.errors = errors;
    this.group = group;
    this.database = database;
    this.topicIds = topicIds;
    this.kafka = kafka;
    this.offsets = offsets;
  }

  /**
   * @param partitions the lifecycle topic's partitions, all assigned
   * @param inProgressWait how long a commit without an answer may stay in progress before it is
   *     abandoned (its records read again)
   */
  static ResyncFixture open(Infra infra, int partitions, Duration inProgressWait) {
    String lifecycle = infra.newTopic("lifecycle", partitions);
    String errors = infra.newTopic("errors", 1);
    io.jobwatch.testing.Database db = infra.newDatabase();
    DbConfig config = new DbConfig(db.jdbcUrl(), db.user(), db.password(), 4);
    String group = "it-" + UUID.randomUUID();
    Settings settings =
        Settings.fromEnvironment(Map.of())
            .with(infra.kafkaBootstrap(), config, group, 0)
            .withTopics(lifecycle, errors);
    Database database = Database.open(config);
    TopicIds topicIds = new TopicIds(settings, Clock.systemUTC());
    MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(AutoOffsetResetStrategy.NONE.name());
    ResyncFixture fixture =
        new ResyncFixture(
            lifecycle,
            errors,
            group,
            database,
            topicIds,
            kafka,
            new OffsetResync(settings, database, topicIds, inProgressWait));
    try {
      database.migrate();
      Map<TopicPartition, Long> beginnings = new HashMap<>();
      for (int number = 0; number < partitions; number++) {
        beginnings.put(fixture.partition(number), 0L);
      }
      kafka.assign(beginnings.keySet());
      kafka.updateBeginningOffsets(beginnings);
      fixture.resync();
      return fixture;
    } catch (RuntimeException e) {
      fixture.close();
      throw e;
    }
  }

  TopicPartition partition(int number) {
    return new TopicPartition(lifecycle, number);
  }

  /**
   * Begins a transaction on {@code transaction} and lets its id stand for a batch writing {@code
   * next} whose COMMIT got no answer, then resynchronises: with no wait for an undecided commit,
   * the batch is abandoned while the transaction stays open. {@code counted} counts the batch.
   */
  void abandon(Handle transaction, Map<TopicPartition, Long> next, AtomicInteger counted) {
    transaction.begin();
    offsets.commitUnconfirmed(
        OffsetsTable.currentTransaction(transaction), next, counted::incrementAndGet);
    resync();
  }

  /** Stores {@code next} as partition {@code number}'s first offset, in {@code transaction}. */
  boolean store(Handle transaction, int number, long next) {
    return OffsetsTable.advance(
        transaction, group, List.of(new PartitionAdvance(lifecycle, number, null, next)));
  }

  /** Every assigned partition resynchronised, as at the end of an outage. */
  Set<TopicPartition> resync() {
    offsets.markUnsynced(kafka.assignment());
    return offsets.resync(kafka);
  }

  @Override
  public void close() {
    kafka.close();
    topicIds.close();
    database.close();
  }
}
