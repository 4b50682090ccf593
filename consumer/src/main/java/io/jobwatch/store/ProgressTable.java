package io.jobwatch.store;

import io.jobwatch.core.monitor.MonitorClock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the {@code consumer_progress} table: per partition, how far its consumer has read and
 * whether it was caught up. Stateless and thread-safe.
 */
public final class ProgressTable {
  /**
   * A watermark only moves forward; a report without one keeps the stored one. A caught-up report
   * moves it to the time of the report: everything written to the partition before then was read,
   * so a quiet partition (its last record a day old) that falls behind for the moment a new record
   * takes to be polled is behind by seconds, not by a day. A stored watermark later than its own
   * report (written before the consumer capped progress at its clock) is read as that report's
   * time, so it cannot hold the partition's progress in the future (not LEAST, which would turn the
   * null of a partition of which nothing was read into its report's time).
   */
  private static final String REPORT =
      """
      INSERT INTO consumer_progress AS p
             (group_id, topic, kafka_partition, watermark, caught_up, lag, reporter, reported_at)
      SELECT :group, r.topic, r.kafka_partition,
             CASE WHEN r.caught_up
                  THEN GREATEST(r.watermark::timestamptz, :reported_at::timestamptz)
                  ELSE r.watermark::timestamptz END,
             r.caught_up, r.lag, :reporter, :reported_at::timestamptz
        FROM unnest(:topic::text[], :kafka_partition::int[], :watermark::text[],
                    :caught_up::boolean[], :lag::bigint[])
          AS r(topic, kafka_partition, watermark, caught_up, lag)
       ORDER BY r.topic, r.kafka_partition
      ON CONFLICT (group_id, topic, kafka_partition) DO UPDATE
         SET watermark = GREATEST(CASE WHEN p.watermark > p.reported_at THEN p.reported_at
                                       ELSE p.watermark END,
                                  EXCLUDED.watermark),
             caught_up = EXCLUDED.caught_up, lag = EXCLUDED.lag,
             reporter = EXCLUDED.reporter, reported_at = EXCLUDED.reported_at
      """;

  private static final String ALL =
      """
      SELECT group_id, topic, kafka_partition, watermark, caught_up, reported_at
        FROM consumer_progress
      """;

  private ProgressTable() {}

  /**
   * One partition's report.
   *
   * @param watermark null to keep the stored one
   * @param lag records left to read when reported, null if unknown
   */
  public record Report(
      String topic, int partition, Instant watermark, boolean caughtUp, Long lag) {}

  /** Upserts the reports of one consumer of {@code group}. */
  public static void report(
      Handle handle, String group, String reporter, Instant reportedAt, List<Report> reports) {
    if (reports.isEmpty()) {
      return;
    }
    handle
        .createUpdate(REPORT)
        .bind("group", group)
        .bind("reporter", reporter)
        .bind("reported_at", reportedAt.toString())
        .bind("topic", Columns.text(reports, Report::topic))
        .bind("kafka_partition", Columns.integer(reports, Report::partition))
        .bind("watermark", Columns.instant(reports, Report::watermark))
        .bind("caught_up", Columns.bool(reports, Report::caughtUp))
        .bind("lag", Columns.bigint(reports, Report::lag))
        .execute();
  }

  /** Every partition's last report. */
  public static List<MonitorClock.Progress> all(Handle handle) {
    return handle
        .createQuery(ALL)
        .map(
            (rs, ctx) ->
                new MonitorClock.Progress(
                    rs.getString("group_id"),
                    rs.getString("topic"),
                    rs.getInt("kafka_partition"),
                    StageHealthTable.instant(rs, "watermark"),
                    rs.getBoolean("caught_up"),
                    StageHealthTable.instant(rs, "reported_at")))
        .list();
  }

  /**
   * The instant to evaluate monitors at: {@code now} while every partition is caught up, the
   * stream's watermark while the pipeline is behind or down ({@link MonitorClock}).
   */
  public static Instant judgementInstant(Handle handle, Instant now) {
    return MonitorClock.judgementInstant(all(handle), now, MonitorClock.STALE_AFTER);
  }
}
