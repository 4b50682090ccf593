package io.jobwatch.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL of the {@code job_events} table. Stateless and thread-safe. */
public final class EventsTable {
  private static final String HISTORY_AND_KNOWN_IDS =
      """
      SELECT event_id, job_id, envelope::text AS envelope, outcome, true AS history
        FROM job_events WHERE job_id = ANY(:job_ids::text[])
      UNION ALL
      SELECT event_id, job_id, NULL, NULL, false
        FROM job_events WHERE event_id = ANY(:event_ids::text[])
      """;

  private static final String INSERT =
      """
      INSERT INTO job_events (event_id, job_id, subject, type, event_time, source, outcome, topic,
                              kafka_partition, kafka_offset, envelope)
      SELECT event_id, job_id, subject, type, event_time::timestamptz, source, outcome, topic,
             kafka_partition, kafka_offset, envelope::jsonb
        FROM unnest(:event_id::text[], :job_id::text[], :subject::text[], :type::text[],
                    :event_time::text[], :source::text[], :outcome::text[], :topic::text[],
                    :kafka_partition::int[], :kafka_offset::bigint[], :envelope::text[])
          AS e(event_id, job_id, subject, type, event_time, source, outcome, topic,
               kafka_partition, kafka_offset, envelope)
      ON CONFLICT (event_id) DO NOTHING
      """;

  private EventsTable() {}

  /** The stored history of some jobs, and which of some event ids are already stored. */
  public record Lookup(List<HistoryRow> history, Set<String> knownEventIds) {}

  /** One stored event of a job, as the envelope JSON it arrived in, with its stored outcome. */
  public record HistoryRow(String eventId, String jobId, String envelopeJson, String outcome) {
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

  /**
   * One round trip: the history of {@code jobIds} and the already-stored ones of {@code eventIds}.
   */
  public static Lookup lookup(Handle handle, Set<String> jobIds, Set<String> eventIds) {
    List<HistoryRow> history = new ArrayList<>();
    Set<String> known = new HashSet<>();
    handle
        .createQuery(HISTORY_AND_KNOWN_IDS)
        .bind("job_ids", jobIds.toArray(String[]::new))
        .bind("event_ids", eventIds.toArray(String[]::new))
        .map(
            (rs, ctx) -> {
              if (rs.getBoolean("history")) {
                history.add(
                    new HistoryRow(
                        rs.getString("event_id"),
                        rs.getString("job_id"),
                        rs.getString("envelope"),
                        rs.getString("outcome")));
              } else {
                known.add(rs.getString("event_id"));
              }
              return Boolean.TRUE;
            })
        .list();
    return new Lookup(history, known);
  }

  /** Stores new events; ids already stored are skipped (and were counted as duplicates). */
  public static int insert(Handle handle, List<StoredEvent> events) {
    if (events.isEmpty()) {
      return 0;
    }
    return handle
        .createUpdate(INSERT)
        .bind("event_id", Columns.text(events, StoredEvent::eventId))
        .bind("job_id", Columns.text(events, StoredEvent::jobId))
        .bind("subject", Columns.text(events, StoredEvent::subject))
        .bind("type", Columns.text(events, StoredEvent::type))
        .bind("event_time", Columns.instant(events, StoredEvent::time))
        .bind("source", Columns.text(events, StoredEvent::source))
        .bind("outcome", Columns.text(events, StoredEvent::outcome))
        .bind("topic", Columns.text(events, StoredEvent::topic))
        .bind("kafka_partition", Columns.integer(events, StoredEvent::partition))
        .bind("kafka_offset", Columns.bigint(events, StoredEvent::offset))
        .bind("envelope", Columns.text(events, StoredEvent::envelopeJson))
        .execute();
  }
}
