package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;

import io.jobwatch.JobwatchException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Reads {@code dead_letters} and marks rows replayed. Stateless. */
final class DeadLetterQueries {
  private static final String SELECT =
      """
      SELECT id, topic, kafka_partition, kafka_offset, record_key, record_value, reason,
             received_at, replayed_at
        FROM dead_letters
      """;

  private static final String MARK_REPLAYED =
      "UPDATE dead_letters SET replayed_at = :now WHERE id = :id";

  private DeadLetterQueries() {}

  /** One dead letter with its raw key and value. */
  record Letter(
      long id,
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String reason,
      Instant receivedAt,
      Instant replayedAt) {}

  static List<Letter> all(Handle handle) {
    return handle.createQuery(SELECT + " ORDER BY id").map((rs, ctx) -> letter(rs)).list();
  }

  static List<Letter> notReplayed(Handle handle) {
    return handle
        .createQuery(SELECT + " WHERE replayed_at IS NULL ORDER BY id")
        .map((rs, ctx) -> letter(rs))
        .list();
  }

  static Optional<Letter> byId(Handle handle, long id) {
    return handle
        .createQuery(SELECT + " WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> letter(rs))
        .findOne();
  }

  static void markReplayed(Handle handle, long id, Instant now) {
    int updated =
        handle
            .createUpdate(MARK_REPLAYED)
            .bind("id", id)
            .bind("now", now.atOffset(java.time.ZoneOffset.UTC))
            .execute();
    if (updated != 1) {
      throw new JobwatchException(
          "marking dead letter " + id + " replayed: expected 1 modified row, got " + updated);
    }
  }

  private static Letter letter(ResultSet rs) throws SQLException {
    return new Letter(
        rs.getLong("id"),
        rs.getString("topic"),
        rs.getInt("kafka_partition"),
        rs.getLong("kafka_offset"),
        rs.getBytes("record_key"),
        rs.getBytes("record_value"),
        rs.getString("reason"),
        instant(rs, "received_at"),
        instant(rs, "replayed_at"));
  }
}
