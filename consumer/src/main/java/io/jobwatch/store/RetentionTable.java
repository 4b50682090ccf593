package io.jobwatch.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the retention pass (issue 11): day partitions of {@code job_events}, and the bounded
 * deletes of terminal jobs, dead letters and tombstones. Every delete takes at most {@code step}
 * rows, skips rows another transaction has locked, and never touches {@code stage_health}.
 * Stateless and thread-safe.
 */
public final class RetentionTable {
  private static final String TERMINAL = "('succeeded', 'failed', 'crashed', 'cancelled')";
  private static final String OPEN = "('submitted', 'queued', 'waiting', 'running')";

  private RetentionTable() {}

  /** Rows removed from (or, in a dry run, that would go from) the tables of one pruned job set. */
  public record Pruned(long jobs, long dependencies, long crashes) {}

  /** A table's size: estimated rows, bytes on disk with indexes, and its oldest row if any. */
  public record TableSize(String table, long rows, long bytes, Instant oldest) {}

  /** The day partitions of {@code job_events}, oldest first. */
  public static List<LocalDate> eventPartitionDays(Handle handle) {
    return handle
        .createQuery(
            """
            SELECT to_date(substr(c.relname, 12), 'YYYYMMDD')
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'job_events'::regclass AND c.relname ~ '^job_events_[0-9]{8}$'
             ORDER BY 1
            """)
        .mapTo(LocalDate.class)
        .list();
  }

  /** The days of rows that landed in the default partition because their day had none. */
  public static List<LocalDate> daysInDefaultPartition(Handle handle) {
    return handle
        .createQuery(
            "SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date FROM job_events_default")
        .mapTo(LocalDate.class)
        .list();
  }

  /** Creates the partition of one UTC day if it is missing; true if it was created. */
  public static boolean createEventPartition(Handle handle, LocalDate day) {
    return handle
        .createQuery("SELECT jobwatch_event_partition(:day)")
        .bind("day", day)
        .mapTo(Boolean.class)
        .one();
  }

  /** Drops the partition of one UTC day; true if it existed. */
  public static boolean dropEventPartition(Handle handle, LocalDate day) {
    return handle
        .createQuery("SELECT jobwatch_drop_event_partition(:name)")
        .bind("name", partitionName(day))
        .mapTo(Boolean.class)
        .one();
  }

  static String partitionName(LocalDate day) {
    return String.format(
        "job_events_%04d%02d%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
  }

  /**
   * Events stored on one day, and how many of them a pass would keep (move forward): those of jobs
   * that are still open, and each monitor's latest {@code monitor.declared} ({@link
   * #carryMonitorDeclarations}), so that a dry run says what the pass does.
   */
  public static long[] eventsOfDay(Handle handle, LocalDate day) {
    return handle
        .createQuery(
            "SELECT count(*), count(*) FILTER (WHERE e.job_id IN (SELECT job_id FROM jobs WHERE"
                + " state IN "
                + OPEN
                + ") OR (e.type = 'monitor.declared' AND e.job_id IS NULL AND NOT EXISTS ("
                + "SELECT 1 FROM job_events n WHERE n.subject = e.subject"
                + " AND n.type = 'monitor.declared' AND n.job_id IS NULL"
                + " AND (n.event_time, n.event_id) > (e.event_time, e.event_id))))"
                + " FROM job_events e WHERE e.received_at >= :low::timestamptz"
                + " AND e.received_at < :high::timestamptz")
        .bind("low", start(day))
        .bind("high", start(day.plusDays(1)))
        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
        .one();
  }

  /** Up to {@code step} distinct job ids with events stored on one day, after {@code after}. */
  public static List<String> jobsOfDay(Handle handle, LocalDate day, String after, int step) {
    return handle
        .createQuery(
            """
            SELECT DISTINCT job_id FROM job_events
             WHERE received_at >= :low::timestamptz AND received_at < :high::timestamptz
               AND job_id > :after
             ORDER BY job_id LIMIT :step
            """)
        .bind("low", start(day))
        .bind("high", start(day.plusDays(1)))
        .bind("after", after)
        .bind("step", step)
        .mapTo(String.class)
        .list();
  }

  /**
   * Before a day's events go: terminal jobs among {@code jobIds} get a tombstone (their history is
   * no longer complete, so a late event must not refold them); returns how many were sealed.
   */
  public static int sealTerminalJobs(Handle handle, List<String> jobIds, Instant now) {
    return handle
        .createUpdate(
            "INSERT INTO job_tombstones (job_id, state, attempt, finished_at, pruned_at)"
                + " SELECT job_id, state, attempt, finished_at, :now::timestamptz FROM jobs"
                + " WHERE job_id = ANY(:ids::text[]) AND state IN "
                + TERMINAL
                + " ON CONFLICT (job_id) DO NOTHING")
        .bind("ids", jobIds.toArray(String[]::new))
        .bind("now", now.toString())
        .execute();
  }

  /**
   * Before a day's events go, right after {@link #sealTerminalJobs} in the same transaction: the
   * events of jobs among {@code jobIds} that have a row and no tombstone move to the partition of
   * {@code now}, so an open job keeps its whole history; returns how many moved. The exact
   * complement of the seal, whatever committed between the two statements: a job that ended after
   * the seal read it (not sealed) is carried, so a later refold never reads a partial history.
   */
  public static int carryUnsealedJobs(
      Handle handle, LocalDate day, List<String> jobIds, Instant now) {
    return handle
        .createUpdate(
            "UPDATE job_events SET received_at = :now::timestamptz"
                + " WHERE received_at >= :low::timestamptz AND received_at < :high::timestamptz"
                + " AND job_id IN (SELECT j.job_id FROM jobs j WHERE j.job_id = ANY(:ids::text[])"
                + " AND NOT EXISTS (SELECT 1 FROM job_tombstones t WHERE t.job_id = j.job_id))")
        .bind("now", now.toString())
        .bind("low", start(day))
        .bind("high", start(day.plusDays(1)))
        .bind("ids", jobIds.toArray(String[]::new))
        .execute();
  }

  /**
   * Before a day's events go: each monitor's latest {@code monitor.declared}, if stored that day,
   * moves to the partition of {@code now}, so that {@code monitor_declarations} (and with it {@code
   * monitors apply --owner}) keeps the declaration in force of a monitor not re-declared within the
   * events' retention; returns how many moved. One event per monitor at most.
   */
  public static int carryMonitorDeclarations(Handle handle, LocalDate day, Instant now) {
    return handle
        .createUpdate(
            """
            UPDATE job_events e SET received_at = :now::timestamptz
             WHERE e.received_at >= :low::timestamptz AND e.received_at < :high::timestamptz
               AND e.type = 'monitor.declared' AND e.job_id IS NULL
               AND NOT EXISTS (
                     SELECT 1 FROM job_events n
                      WHERE n.subject = e.subject AND n.type = 'monitor.declared'
                        AND n.job_id IS NULL
                        AND (n.event_time, n.event_id) > (e.event_time, e.event_id))
            """)
        .bind("now", now.toString())
        .bind("low", start(day))
        .bind("high", start(day.plusDays(1)))
        .execute();
  }

  /**
   * Removes up to {@code step} terminal jobs that finished before {@code cutoff}, with their
   * dependencies and crash rows, leaving a tombstone for each. One statement, so one short
   * transaction.
   */
  public static Pruned pruneJobs(Handle handle, Instant cutoff, Instant now, int step) {
    return handle
        .createQuery(
            "WITH doomed AS (SELECT job_id, state, attempt, finished_at FROM jobs"
                + " WHERE state IN "
                + TERMINAL
                + " AND finished_at < :cutoff::timestamptz ORDER BY finished_at LIMIT :step"
                + " FOR UPDATE SKIP LOCKED),"
                + " tombs AS (INSERT INTO job_tombstones (job_id, state, attempt, finished_at, pruned_at)"
                + " SELECT job_id, state, attempt, finished_at, :now::timestamptz FROM doomed"
                + " ON CONFLICT (job_id) DO UPDATE SET state = excluded.state,"
                + " attempt = excluded.attempt, finished_at = excluded.finished_at,"
                + " pruned_at = excluded.pruned_at RETURNING 1),"
                + " deps AS (DELETE FROM job_dependencies d USING doomed"
                + " WHERE d.job_id = doomed.job_id RETURNING 1),"
                + " crashes AS (DELETE FROM job_attempt_crashes c USING doomed"
                + " WHERE c.job_id = doomed.job_id RETURNING 1),"
                + " gone AS (DELETE FROM jobs j USING doomed WHERE j.job_id = doomed.job_id RETURNING 1)"
                + " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM deps),"
                + " (SELECT count(*) FROM crashes), (SELECT count(*) FROM tombs)")
        .bind("cutoff", cutoff.toString())
        .bind("now", now.toString())
        .bind("step", step)
        .map((rs, ctx) -> new Pruned(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
        .one();
  }

  /** What {@link #pruneJobs} would remove in total. */
  public static Pruned prunableJobs(Handle handle, Instant cutoff) {
    return handle
        .createQuery(
            "WITH doomed AS (SELECT job_id FROM jobs WHERE state IN "
                + TERMINAL
                + " AND finished_at < :cutoff::timestamptz)"
                + " SELECT (SELECT count(*) FROM doomed),"
                + " (SELECT count(*) FROM job_dependencies WHERE job_id IN (SELECT job_id FROM doomed)),"
                + " (SELECT count(*) FROM job_attempt_crashes WHERE job_id IN (SELECT job_id FROM doomed))")
        .bind("cutoff", cutoff.toString())
        .map((rs, ctx) -> new Pruned(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
        .one();
  }

  /** Removes up to {@code step} dead letters stored before {@code cutoff}. */
  public static int pruneDeadLetters(Handle handle, Instant cutoff, int step) {
    return handle
        .createUpdate(
            """
            DELETE FROM dead_letters WHERE id IN (
              SELECT id FROM dead_letters WHERE received_at < :cutoff::timestamptz
               ORDER BY received_at LIMIT :step FOR UPDATE SKIP LOCKED)
            """)
        .bind("cutoff", cutoff.toString())
        .bind("step", step)
        .execute();
  }

  public static long prunableDeadLetters(Handle handle, Instant cutoff) {
    return handle
        .createQuery("SELECT count(*) FROM dead_letters WHERE received_at < :cutoff::timestamptz")
        .bind("cutoff", cutoff.toString())
        .mapTo(Long.class)
        .one();
  }

  /**
   * Removes up to {@code step} tombstones older than {@code cutoff}, except those of jobs whose row
   * is still there (sealed because their history went: they must stay sealed while the row lives),
   * those of jobs with events still stored (without its tombstone such a job would look new to the
   * batch, which then neither looks up its event ids nor reads its history) and those of jobs that
   * a job still depends on (the tombstone is the dependency's final state for {@code job_waits}:
   * without it a job that can never run would read as waiting on a never-seen, typo'd id).
   */
  public static int pruneTombstones(Handle handle, Instant cutoff, int step) {
    return handle
        .createUpdate(
            """
            DELETE FROM job_tombstones WHERE job_id IN (
              SELECT t.job_id FROM job_tombstones t
               WHERE t.pruned_at < :cutoff::timestamptz
                 AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.job_id = t.job_id)
                 AND NOT EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = t.job_id)
                 AND NOT EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on = t.job_id)
               ORDER BY t.pruned_at LIMIT :step FOR UPDATE SKIP LOCKED)
            """)
        .bind("cutoff", cutoff.toString())
        .bind("step", step)
        .execute();
  }

  /**
   * What {@link #pruneTombstones} would remove in a pass that first drops the events received
   * before {@code eventsKeptFrom} (the expired days) and prunes the jobs that finished before
   * {@code jobsCutoff}: a tombstone held only by such events, or only by the dependencies of such
   * jobs, goes in that same pass.
   */
  public static long prunableTombstones(
      Handle handle, Instant cutoff, Instant eventsKeptFrom, Instant jobsCutoff) {
    return handle
        .createQuery(
            "SELECT count(*) FROM job_tombstones t WHERE t.pruned_at < :cutoff::timestamptz"
                + " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.job_id = t.job_id)"
                + " AND NOT EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = t.job_id"
                + " AND e.received_at >= :kept::timestamptz)"
                + " AND NOT EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on = t.job_id"
                + " AND NOT EXISTS (SELECT 1 FROM jobs p WHERE p.job_id = d.job_id"
                + " AND p.state IN "
                + TERMINAL
                + " AND p.finished_at < :jobs_cutoff::timestamptz))")
        .bind("cutoff", cutoff.toString())
        .bind("kept", eventsKeptFrom.toString())
        .bind("jobs_cutoff", jobsCutoff.toString())
        .mapTo(Long.class)
        .one();
  }

  private static final java.util.Set<String> ANALYZED =
      java.util.Set.of(
          "jobs", "job_dependencies", "job_attempt_crashes", "dead_letters", "job_tombstones");

  /**
   * Refreshes the planner's statistics (row estimate) of one table retention prunes, or of the day
   * partition of {@code job_events} it carried events into. Such a partition is analyzed only if it
   * was before: one never analyzed counts its live rows ({@link #sizes}), carried ones included,
   * and an ANALYZE would freeze its estimate until autovacuum's threshold of 50 changed rows.
   */
  public static void analyze(Handle handle, String table) {
    boolean partition = table.matches("job_events_[0-9]{8}");
    if (!ANALYZED.contains(table) && !partition) {
      throw new IllegalArgumentException("retention does not analyze " + table);
    }
    if (partition
        && !handle
            .createQuery(
                "SELECT coalesce((SELECT reltuples >= 0 FROM pg_class"
                    + " WHERE oid = to_regclass(:name)), false)")
            .bind("name", table)
            .mapTo(Boolean.class)
            .one()) {
      return;
    }
    handle.execute("ANALYZE " + table);
  }

  /** Takes the retention lock of this session if it is free; never waits. */
  public static boolean tryLock(Handle handle, long key) {
    return handle
        .createQuery("SELECT pg_try_advisory_lock(:key)")
        .bind("key", key)
        .mapTo(Boolean.class)
        .one();
  }

  public static void unlock(Handle handle, long key) {
    handle
        .createQuery("SELECT pg_advisory_unlock(:key)")
        .bind("key", key)
        .mapTo(Boolean.class)
        .one();
  }

  /** Bounds how long a retention statement waits for a lock the consumer holds. */
  public static void limitLockWaits(Handle handle, String timeout) {
    handle
        .createQuery("SELECT set_config('lock_timeout', :timeout, false)")
        .bind("timeout", timeout)
        .mapTo(String.class)
        .one();
  }

  /**
   * Gives the session back the lock timeout it started with (the database's, role's or connection's
   * own setting), not none: the connection goes back to the consumer's pool.
   */
  public static void restoreLockWaits(Handle handle) {
    handle.execute("RESET lock_timeout");
  }

  /**
   * A table of at most this much heap has its rows counted (a millisecond): the planner's estimate
   * of a small table stays stale until 50 rows changed, which for such a table is most of it.
   */
  static final long COUNTED_UP_TO_BYTES = 1 << 20;

  /** The tables whose size, rows and oldest age are measured ({@code jobwatch_table_*}). */
  public static final List<String> SIZED =
      List.of(
          "job_events",
          "jobs",
          "job_dependencies",
          "job_attempt_crashes",
          "dead_letters",
          "job_tombstones");

  /** One row of the sizes query: the size, and the table's heap alone (without indexes). */
  private record SizeRow(TableSize size, long heap) {}

  /**
   * Rows (counted in a table of at most {@link #COUNTED_UP_TO_BYTES} of heap; otherwise the
   * planner's estimate, or of a partition never analyzed the live rows the statistics count, summed
   * over partitions), bytes (with indexes and TOAST) and the oldest row of the tables retention
   * manages. The oldest job is the oldest terminal one, the next that retention would prune;
   * dependencies and crash rows go with their job and have none.
   */
  public static List<TableSize> sizes(Handle handle) {
    List<SizeRow> rows =
        handle
            .createQuery(
                """
            WITH oldest(name, at) AS (VALUES
                ('job_events', (SELECT min(received_at) FROM job_events WHERE outcome IS NOT NULL)),
                ('jobs', (SELECT min(finished_at) FROM jobs
                           WHERE state IN ('succeeded', 'failed', 'crashed', 'cancelled'))),
                ('job_dependencies', NULL::timestamptz),
                ('job_attempt_crashes', NULL::timestamptz),
                ('dead_letters', (SELECT min(received_at) FROM dead_letters)),
                ('job_tombstones', (SELECT min(pruned_at) FROM job_tombstones)))
            , tables AS (
                -- a plain table is its own leaf; a partitioned one is the sum of its partitions
                SELECT o.name, c.oid FROM oldest o JOIN pg_class c ON c.oid = o.name::regclass
                 WHERE c.relkind = 'r'
                UNION ALL
                SELECT o.name, i.inhrelid FROM oldest o
                  JOIN pg_inherits i ON i.inhparent = o.name::regclass)
            SELECT o.name,
                   -- reltuples is -1 until a table's first ANALYZE, which autovacuum never runs
                   -- on a table of fewer than 50 changed rows: such a table has the live rows
                   -- the statistics count at every commit (within seconds; no ANALYZE to race)
                   coalesce(sum(CASE WHEN c.reltuples < 0 THEN pg_stat_get_live_tuples(t.oid)
                                     ELSE c.reltuples END), 0)::bigint AS rows,
                   coalesce(sum(pg_total_relation_size(t.oid)), 0)::bigint AS bytes,
                   coalesce(sum(pg_relation_size(t.oid)), 0)::bigint AS heap,
                   o.at AS oldest
              FROM oldest o
              LEFT JOIN tables t ON t.name = o.name
              LEFT JOIN pg_class c ON c.oid = t.oid
             GROUP BY o.name, o.at
            """)
            .map(
                (rs, ctx) -> {
                  java.sql.Timestamp oldest = rs.getTimestamp("oldest");
                  return new SizeRow(
                      new TableSize(
                          rs.getString("name"),
                          rs.getLong("rows"),
                          rs.getLong("bytes"),
                          oldest == null ? null : oldest.toInstant()),
                      rs.getLong("heap"));
                })
            .list();
    List<TableSize> sizes = new java.util.ArrayList<>(rows.size());
    for (SizeRow row : rows) {
      TableSize size = row.size();
      sizes.add(
          row.heap() > COUNTED_UP_TO_BYTES
              ? size
              : new TableSize(
                  size.table(), count(handle, size.table()), size.bytes(), size.oldest()));
    }
    return sizes;
  }

  private static long count(Handle handle, String table) {
    if (!SIZED.contains(table)) {
      throw new IllegalArgumentException("retention does not size " + table);
    }
    return handle.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
  }

  /** Midnight UTC starting {@code day}, as text PostgreSQL reads as a timestamptz. */
  private static String start(LocalDate day) {
    return day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toString();
  }
}
