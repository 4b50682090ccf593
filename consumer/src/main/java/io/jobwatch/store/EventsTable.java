package io.jobwatch.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL of the {@code job_events} table. Stateless and thread-safe. */
public final class EventsTable {
  // Ids whose original can only have been received from a known time on (:since: the day
  // partitions before it are pruned), and ids that can be in any partition.
  private static final String KNOWN_IDS =
      """
      SELECT event_id FROM job_events
       WHERE event_id = ANY(:bounded::text[]) AND received_at >= :since::timestamptz
      UNION ALL
      SELECT event_id FROM job_events WHERE event_id = ANY(:unbounded::text[])
      """;

  /** Each job's events at or after its bound (a null bound: all of them). */
  private static final String HISTORY_SINCE =
      """
      SELECT e.event_id, e.job_id, e.envelope::text AS envelope, e.outcome, e.event_time
        FROM unnest(:job_ids::text[], :since::timestamptz[]) AS j(job_id, since)
        JOIN job_events e
          ON e.job_id = j.job_id
         AND e.event_time >= coalesce(j.since - interval '1 millisecond', '-infinity'::timestamptz)
       WHERE e.received_at >= :stored_since::timestamptz
      """;

  private static final String COPY_TARGET =
      "job_events (event_id, job_id, subject, type, event_time, source, outcome, topic,"
          + " kafka_partition, kafka_offset, envelope)";

  private EventsTable() {}

  // Issue 13.2 (helper scale): the history `jobwatch job ID` shows.
  private static final String HISTORY_OF_JOB =
      """
      SELECT event_time, type, outcome,
             -- numeric first: the contract takes 1.0 and 1e0 as the integer 1, stored as sent
             (envelope -> 'data' ->> 'attempt')::numeric::integer AS attempt, event_id, source
        FROM job_events WHERE job_id = :job ORDER BY event_time, received_at, event_id
      """;

  /**
   * The stored events of one job in fold order: columns event_time, type, outcome, attempt,
   * event_id, source.
   */
  public static <T> List<T> historyOf(Handle handle, String jobId, RowMapper<T> mapper) {
    return handle.createQuery(HISTORY_OF_JOB).bind("job", jobId).map(mapper).list();
  }

  /**
   * One stored event of a job, as the envelope JSON it arrived in, with its stored outcome and the
   * time it was folded at ({@code event_time}: the envelope's time, or the record timestamp when
   * the envelope's time ran too far ahead of it).
   */
  public record HistoryRow(
      String eventId, String jobId, String envelopeJson, String outcome, Instant eventTime) {
    public boolean wasIgnored() {
      return "ignored".equals(outcome);
    }
  }

  private static final String MARK_APPLIED =
      "UPDATE job_events SET outcome = 'applied' WHERE event_id = ANY(:ids::text[]) AND outcome = 'ignored'";

  /**
   * Marks stored events that a later, earlier-timed event made effective (a {@code job.started} of
   * attempt 2 that arrived before its {@code job.requeued}).
   */
  public static void markApplied(Handle handle, java.util.Collection<String> eventIds) {
    if (!eventIds.isEmpty()) {
      handle.createUpdate(MARK_APPLIED).bind("ids", eventIds.toArray(String[]::new)).execute();
    }
  }

  private static final String MARK_IGNORED =
      "UPDATE job_events SET outcome = 'ignored' WHERE event_id = ANY(:ids::text[]) AND outcome = 'applied'";

  /**
   * Marks stored events that a later-arriving, earlier-timed event made inapplicable (a {@code
   * job.finished} after which a {@code job.cancelled} timed before it arrived): their stored
   * outcome stays true.
   */
  public static void markIgnored(Handle handle, java.util.Collection<String> eventIds) {
    if (!eventIds.isEmpty()) {
      handle.createUpdate(MARK_IGNORED).bind("ids", eventIds.toArray(String[]::new)).execute();
    }
  }

  /**
   * Takes {@code job_events_default} in ACCESS SHARE mode for the rest of the transaction, as a
   * batch's first statement. Only a pass creating a day partition (V23: its rows move out of the
   * default partition, then ATTACH under an exclusive lock) conflicts with it. A statement planned
   * while such a pass held that lock waits for it and then reads the partitions it was planned
   * with, without the new one the day's rows moved into: an event id looked up so is not found, and
   * a publisher's retry was stored and applied twice. Taken first, the wait is here, and every
   * later statement of the batch is planned with the new partition.
   */
  public static void holdDefaultPartition(Handle handle) {
    // The parent first: dropping a partition (retention) or altering the table locks the parent
    // before its partitions, and a batch holding the default partition while waiting for the
    // parent would close a deadlock with it (review; RetentionIT drops partitions while consuming).
    handle.execute("LOCK TABLE ONLY job_events, job_events_default IN ACCESS SHARE MODE");
  }

  /**
   * Those of {@code bounded} and {@code unbounded} that are stored already, in one statement: an id
   * of {@code bounded} is looked for only among events received at or after {@code since}.
   */
  public static Set<String> knownIds(
      Handle handle, Set<String> bounded, Instant since, Set<String> unbounded) {
    Set<String> known = new HashSet<>();
    if (bounded.isEmpty() && unbounded.isEmpty()) {
      return known;
    }
    handle
        .createQuery(KNOWN_IDS)
        .bind("bounded", bounded.toArray(String[]::new))
        .bind("since", bounded.isEmpty() ? "infinity" : since.toString())
        .bind("unbounded", unbounded.toArray(String[]::new))
        .mapTo(String.class)
        .forEach(known::add);
    return known;
  }

  private static final String STORED_TWICE =
      """
      SELECT event_id FROM job_events
       WHERE event_id = ANY(:ids::text[]) AND received_at >= now() - interval '1 day'
       GROUP BY event_id HAVING count(*) > 1
      """;

  /**
   * Those of {@code eventIds} stored more than once: this transaction stored them, and so did
   * another one that committed since {@link #knownIds} looked (a copy of the event on another
   * partition, read by another consumer). The table holds no unique index on the event id alone.
   * Both copies were received by transactions running now, so only the last day's partitions are
   * read.
   */
  public static Set<String> storedTwice(Handle handle, Collection<String> eventIds) {
    Set<String> twice = new HashSet<>();
    if (!eventIds.isEmpty()) {
      handle
          .createQuery(STORED_TWICE)
          .bind("ids", eventIds.toArray(String[]::new))
          .mapTo(String.class)
          .forEach(twice::add);
    }
    return twice;
  }

  /**
   * One round trip: the stored events of each job of {@code since} at or after its time (all of
   * them for a null time), by the index on (job_id, event_time), among the events received at or
   * after {@code storedSince} (null: all).
   */
  public static List<HistoryRow> history(
      Handle handle, Map<String, Instant> since, Instant storedSince) {
    List<HistoryRow> history = new ArrayList<>();
    if (since.isEmpty()) {
      return history;
    }
    List<Map.Entry<String, Instant>> jobs = new ArrayList<>(since.entrySet());
    handle
        .createQuery(HISTORY_SINCE)
        .bind("job_ids", Columns.text(jobs, Map.Entry::getKey))
        .bind("since", Columns.instant(jobs, Map.Entry::getValue))
        .bind("stored_since", storedSince == null ? "-infinity" : storedSince.toString())
        .map(
            (rs, ctx) ->
                new HistoryRow(
                    rs.getString("event_id"),
                    rs.getString("job_id"),
                    rs.getString("envelope"),
                    rs.getString("outcome"),
                    rs.getObject("event_time", OffsetDateTime.class).toInstant()))
        .forEach(history::add);
    return history;
  }

  /**
   * Stores new events with one COPY. The caller has checked that their ids are not stored yet
   * ({@link #knownIds}, among the partitions a copy can be in; an event of a job nothing is stored
   * of needs no check).
   */
  public static long insert(Handle handle, List<StoredEvent> events) {
    if (events.isEmpty()) {
      return 0;
    }
    CopyText rows = new CopyText();
    for (StoredEvent event : events) {
      rows.value(event.eventId())
          .value(event.jobId())
          .value(event.subject())
          .value(event.type())
          .value(event.time())
          .value(event.source())
          .value(event.outcome())
          .value(event.topic())
          .value(event.partition())
          .value(event.offset())
          .value(event.envelopeJson())
          .endRow();
    }
    long copied = rows.copyInto(handle, COPY_TARGET);
    Checks.expectRows("copy job_events", events.size(), (int) copied);
    return copied;
  }
}
