package io.jobwatch.store;

import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * SQL of the {@code consumer_offsets} table: the next offset per partition, written in the same
 * transaction as the records it covers. Stateless and thread-safe.
 */
public final class OffsetsTable {
  private static final String LOAD =
      """
      SELECT topic, kafka_partition, next_offset FROM consumer_offsets
       WHERE group_id = :group AND topic = ANY(:topics::text[])
      """;

  /**
   * Compare-and-set: a partition advances only from the offset this consumer expects, so a zombie
   * that lost the partition in a rebalance cannot apply a batch a second time.
   */
  private static final String ADVANCE =
      """
      WITH input AS (
        SELECT * FROM unnest(:topic::text[], :kafka_partition::int[], :expected::bigint[],
                             :next::bigint[]) AS i(topic, kafka_partition, expected, next)),
      moved AS (
        UPDATE consumer_offsets o SET next_offset = i.next, updated_at = now()
          FROM input i
         WHERE o.group_id = :group AND o.topic = i.topic
           AND o.kafka_partition = i.kafka_partition AND o.next_offset = i.expected
        RETURNING o.topic),
      created AS (
        INSERT INTO consumer_offsets (group_id, topic, kafka_partition, next_offset)
        SELECT :group, i.topic, i.kafka_partition, i.next FROM input i WHERE i.expected IS NULL
        ON CONFLICT (group_id, topic, kafka_partition) DO NOTHING
        RETURNING topic)
      SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM created)
      """;

  /** {@link #transactionStatus} of an id this server has not handed out yet. */
  public static final String UNKNOWN_YET = "unknown yet";

  private static final String STATUS_SAVEPOINT = "jobwatch_txid_status";

  private OffsetsTable() {}

  /** This transaction's id (assigned now if it has none), for {@link #transactionStatus}. */
  public static long currentTransaction(Handle handle) {
    return handle.createQuery("SELECT txid_current()").mapTo(Long.class).one();
  }

  /**
   * Whether a transaction of this server committed: {@code committed}, {@code aborted}, {@code in
   * progress}, or null when it is too old to tell (PostgreSQL's {@code txid_status}); {@link
   * #UNKNOWN_YET} when this server has not handed the id out yet (a failover to a server behind the
   * one that gave it, where {@code txid_status} fails with "transaction ID ... is in the future").
   * Call inside a transaction, which that failure does not abort.
   */
  public static String transactionStatus(Handle handle, long transaction) {
    handle.savepoint(STATUS_SAVEPOINT);
    try {
      String status =
          handle
              .createQuery("SELECT txid_status(:xid)")
              .bind("xid", transaction)
              .mapTo(String.class)
              .one();
      handle.releaseSavepoint(STATUS_SAVEPOINT);
      return status;
    } catch (JdbiException e) {
      if (!isInvalidParameter(e)) {
        throw e;
      }
      handle.rollbackToSavepoint(STATUS_SAVEPOINT);
      return UNKNOWN_YET;
    }
  }

  /** SQLSTATE 22023, the only error {@code txid_status} raises for an id: one in the future. */
  private static boolean isInvalidParameter(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        return "22023".equals(sql.getSQLState());
      }
    }
    return false;
  }

  /** The next offset stored for one partition. Immutable. */
  public record StoredOffset(String topic, int partition, long next) {}

  /** The stored next offsets of a group for the given topics. */
  public static List<StoredOffset> load(Handle handle, String group, List<String> topics) {
    return handle
        .createQuery(LOAD)
        .bind("group", group)
        .bind("topics", topics.toArray(String[]::new))
        .map(
            (rs, ctx) ->
                new StoredOffset(
                    rs.getString("topic"), rs.getInt("kafka_partition"), rs.getLong("next_offset")))
        .list();
  }

  /**
   * Advances every partition or reports that another consumer moved one first.
   *
   * @return true when all partitions moved from their expected offsets
   */
  public static boolean advance(Handle handle, String group, List<PartitionAdvance> advances) {
    if (advances.isEmpty()) {
      return true;
    }
    long moved =
        handle
            .createQuery(ADVANCE)
            .bind("group", group)
            .bind("topic", Columns.text(advances, PartitionAdvance::topic))
            .bind("kafka_partition", Columns.integer(advances, PartitionAdvance::partition))
            .bind("expected", Columns.bigint(advances, PartitionAdvance::expectedNext))
            .bind("next", Columns.bigint(advances, PartitionAdvance::next))
            .mapTo(Long.class)
            .one();
    return moved == advances.size();
  }
}
