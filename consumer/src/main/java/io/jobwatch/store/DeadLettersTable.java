package io.jobwatch.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobwatch.JobwatchException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SQL of the {@code dead_letters} table. Stateless and thread-safe. */
public final class DeadLettersTable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLettersTable.class);
  private static final String INSERT =
      """
      INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, record_key, record_value,
                                reason, record_headers, truncated, original_bytes)
      VALUES (:topic, :partition, :offset, :key, :value, :reason, CAST(:headers AS jsonb),
              :truncated, :original_bytes)
      ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
      """;

  private DeadLettersTable() {}

  /**
   * Stores dead letters; a re-delivered record keeps its first row, and a record whose offset
   * already has one is logged (WARN). Poison is rare: one batch.
   */
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
          .bind("headers", headersJson(letter.headers()))
          .bind("truncated", letter.truncated())
          .bind("original_bytes", letter.originalBytes())
          .add();
    }
    int[] stored = batch.execute();
    for (int i = 0; i < stored.length && i < letters.size(); i++) {
      if (stored[i] == 0) {
        DeadLetter letter = letters.get(i);
        // Not silently: a topic deleted and created again numbers its offsets from 0 again, and
        // the old topic's dead letter of this offset is kept until retention removes it.
        LOG.warn(
            "dead letter of {}-{} offset {} not stored: a dead letter of that offset is already"
                + " stored (the topic was deleted and created again?)",
            letter.topic(),
            letter.partition(),
            letter.offset());
      }
    }
  }

  /**
   * Headers as a JSON array of {"key": text, "value": base64 text or null}; {@code []} when the
   * record had none (NULL is left for rows stored before the column existed). A key holding a NUL,
   * which jsonb cannot store, is kept as {"keyBase64": its UTF-8 bytes} instead, so the dead letter
   * is stored and replays with the key it had.
   */
  static String headersJson(List<DeadLetter.Header> headers) {
    List<Map<String, String>> array = new ArrayList<>(headers.size());
    for (DeadLetter.Header header : headers) {
      Map<String, String> entry = new LinkedHashMap<>();
      if (header.key().indexOf('\u0000') >= 0) {
        entry.put(
            "keyBase64",
            Base64.getEncoder()
                .encodeToString(header.key().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } else {
        entry.put("key", header.key());
      }
      entry.put(
          "value",
          header.value() == null ? null : Base64.getEncoder().encodeToString(header.value()));
      array.add(entry);
    }
    return Json.write(array);
  }

  // Read, claim and mark: dead-letters list, show and replay (issue 10.6).

  private static final String SELECT =
      """
      SELECT id, topic, kafka_partition, kafka_offset, record_key, record_value, record_headers,
             truncated, original_bytes, reason, received_at, replayed_at, replay_claimed_at,
             replay_claimed_by
        FROM dead_letters
      """;

  private static final String SELECT_MATCHING =
      SELECT
          + """
           WHERE (:allIds OR id = ANY(:ids))
             AND (CAST(:topic AS text) IS NULL OR topic = CAST(:topic AS text))
             AND (CAST(:reason AS text) IS NULL
                  OR strpos(lower(reason), lower(CAST(:reason AS text))) > 0)
             AND (CAST(:since AS timestamptz) IS NULL OR received_at >= CAST(:since AS timestamptz))
             AND (CAST(:until AS timestamptz) IS NULL OR received_at < CAST(:until AS timestamptz))
             AND (:withReplayed OR replayed_at IS NULL)
           ORDER BY id
           LIMIT CAST(:limit AS integer)
          """;

  private static final String CLAIM =
      """
      UPDATE dead_letters SET replay_claimed_at = :now, replay_claimed_by = :run
       WHERE id = :id AND NOT truncated
         AND (:force OR (replayed_at IS NULL AND replay_claimed_at IS NULL))
      """;

  private static final String MARK_REPLAYED =
      """
      UPDATE dead_letters
         SET replayed_at = :now, replayed_partition = :partition, replayed_offset = :offset,
             replay_claimed_at = NULL, replay_claimed_by = NULL
       WHERE id = :id AND replay_claimed_by = :run
      """;

  /** One stored dead letter with its raw key, value and headers. Immutable; arrays not copied. */
  public record Letter(
      long id,
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      List<DeadLetter.Header> headers,
      boolean truncated,
      Integer originalBytes,
      String reason,
      Instant receivedAt,
      Instant replayedAt,
      Instant replayClaimedAt,
      String replayClaimedBy) {

    /** Claimed by a replay that never confirmed: it may or may not have been published. */
    public boolean inDoubt() {
      return replayClaimedAt != null && replayedAt == null;
    }
  }

  /**
   * Which letters to read, oldest first. Null fields do not filter; {@code reasonContains} is a
   * case-insensitive substring of the reason; {@code since} is inclusive, {@code until} exclusive.
   */
  public record Selection(
      List<Long> ids,
      String topic,
      String reasonContains,
      Instant since,
      Instant until,
      Integer limit,
      boolean withReplayed) {
    public static Selection everything() {
      return new Selection(List.of(), null, null, null, null, null, true);
    }
  }

  /** Dead letters not replayed yet (what an operator still has to look at). */
  public static long countUnreplayed(Handle handle) {
    return handle
        .createQuery("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL")
        .mapTo(Long.class)
        .one();
  }

  public static List<Letter> select(Handle handle, Selection selection) {
    return handle
        .createQuery(SELECT_MATCHING)
        .bind("allIds", selection.ids().isEmpty())
        .bindArray("ids", Long.class, selection.ids())
        .bind("topic", selection.topic())
        .bind("reason", selection.reasonContains())
        .bind("since", utc(selection.since()))
        .bind("until", utc(selection.until()))
        .bind("withReplayed", selection.withReplayed())
        .bind("limit", selection.limit())
        .map((rs, ctx) -> letter(rs))
        .list();
  }

  public static Optional<Letter> byId(Handle handle, long id) {
    return handle
        .createQuery(SELECT + " WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> letter(rs))
        .findOne();
  }

  /**
   * Claims a letter for the replay run {@code run}, in its own committed transaction before the
   * record is published. Fails (false) for a truncated letter, and, unless {@code force}, for one
   * already replayed or claimed by another run.
   */
  public static boolean claim(Handle handle, long id, String run, Instant now, boolean force) {
    return handle
            .createUpdate(CLAIM)
            .bind("id", id)
            .bind("run", run)
            .bind("now", utc(now))
            .bind("force", force)
            .execute()
        == 1;
  }

  /** Marks a letter claimed by {@code run} replayed to {@code partition} and {@code offset}. */
  public static void markReplayed(
      Handle handle, long id, String run, Instant now, int partition, long offset) {
    int updated =
        handle
            .createUpdate(MARK_REPLAYED)
            .bind("id", id)
            .bind("run", run)
            .bind("now", utc(now))
            .bind("partition", partition)
            .bind("offset", offset)
            .execute();
    if (updated != 1) {
      throw new JobwatchException(
          "marking dead letter "
              + id
              + " replayed: expected 1 modified row (claimed by run "
              + run
              + "), got "
              + updated);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Letter letter(ResultSet rs) throws SQLException {
    return new Letter(
        rs.getLong("id"),
        rs.getString("topic"),
        rs.getInt("kafka_partition"),
        rs.getLong("kafka_offset"),
        rs.getBytes("record_key"),
        rs.getBytes("record_value"),
        headers(rs.getString("record_headers")),
        rs.getBoolean("truncated"),
        rs.getObject("original_bytes", Integer.class),
        rs.getString("reason"),
        instant(rs, "received_at"),
        instant(rs, "replayed_at"),
        instant(rs, "replay_claimed_at"),
        rs.getString("replay_claimed_by"));
  }

  /**
   * {@code [{"key": text (or "keyBase64"), "value": base64 text or null}]}; NULL (no headers
   * stored) is empty.
   */
  static List<DeadLetter.Header> headers(String json) {
    if (json == null) {
      return List.of();
    }
    JsonNode array = Json.read(json, JsonNode.class);
    List<DeadLetter.Header> headers = new ArrayList<>();
    for (JsonNode header : array) {
      JsonNode value = header.get("value");
      JsonNode keyBase64 = header.get("keyBase64");
      String key =
          keyBase64 == null
              ? header.path("key").asText("")
              : new String(
                  Base64.getDecoder().decode(keyBase64.asText()),
                  java.nio.charset.StandardCharsets.UTF_8);
      headers.add(
          new DeadLetter.Header(
              key,
              value == null || value.isNull() ? null : Base64.getDecoder().decode(value.asText())));
    }
    return List.copyOf(headers);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
