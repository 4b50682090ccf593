package io.jobwatch.store;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL of the {@code dead_letters} table. Stateless and thread-safe. */
public final class DeadLettersTable {
  private static final String INSERT =
      """
      INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, record_key, record_value, reason)
      VALUES (:topic, :partition, :offset, :key, :value, :reason)
      ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
      """;

  private DeadLettersTable() {}

  /** Stores dead letters; a re-delivered record keeps its first row. Poison is rare: one batch. */
  public static void insert(Handle handle, List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    PreparedBatch batch = handle.prepareBatch(INSERT);
    for (DeadLetter letter : letters) {
      batch
          .bind("topic", letter.topic())
          .bind("partition", letter.partition())
          .bind("offset", letter.offset())
          .bind("key", letter.key())
          .bind("value", letter.value())
          .bind("reason", letter.reason())
          .add();
    }
    batch.execute();
  }
}
