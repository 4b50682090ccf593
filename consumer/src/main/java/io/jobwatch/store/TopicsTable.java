package io.jobwatch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the {@code consumer_topics} table (V22): the Kafka topic id a group's stored offsets of a
 * topic belong to. Stateless and thread-safe.
 */
public final class TopicsTable {
  private static final String LOCK =
      "SELECT topic_id FROM consumer_topics WHERE group_id = :group AND topic = :topic FOR UPDATE";

  private static final String RECORD =
      """
      INSERT INTO consumer_topics (group_id, topic, topic_id) VALUES (:group, :topic, :id)
      ON CONFLICT (group_id, topic) DO NOTHING
      """;

  private static final String REPLACE =
      """
      UPDATE consumer_topics SET topic_id = :id, recorded_at = now()
       WHERE group_id = :group AND topic = :topic
      """;

  private static final String FORGET_OFFSETS =
      "DELETE FROM consumer_offsets WHERE group_id = :group AND topic = :topic";

  private static final String FORGET_PROGRESS =
      "DELETE FROM consumer_progress WHERE group_id = :group AND topic = :topic";

  private TopicsTable() {}

  /** A topic whose id changed: its offsets stored for the old one were discarded. */
  public record Recreated(String topic, UUID storedId, UUID currentId, int offsetsDiscarded) {}

  /**
   * Records each topic's current id; for a topic stored under another id, discards the group's
   * offsets and progress of it and stores the new id. Call in a transaction: a concurrent instance
   * waits on the topic's row and then finds the new id, so the offsets are discarded once.
   */
  public static List<Recreated> reconcile(Handle handle, String group, Map<String, UUID> current) {
    List<Recreated> recreated = new ArrayList<>();
    for (Map.Entry<String, UUID> topic : current.entrySet()) {
      Optional<UUID> stored = lock(handle, group, topic.getKey());
      if (stored.isEmpty()) {
        handle
            .createUpdate(RECORD)
            .bind("group", group)
            .bind("topic", topic.getKey())
            .bind("id", topic.getValue())
            .execute();
        // Inserted by another instance meanwhile: compare with that one.
        stored = lock(handle, group, topic.getKey());
      }
      if (stored.isPresent() && !stored.get().equals(topic.getValue())) {
        int discarded =
            handle
                .createUpdate(FORGET_OFFSETS)
                .bind("group", group)
                .bind("topic", topic.getKey())
                .execute();
        handle
            .createUpdate(FORGET_PROGRESS)
            .bind("group", group)
            .bind("topic", topic.getKey())
            .execute();
        handle
            .createUpdate(REPLACE)
            .bind("group", group)
            .bind("topic", topic.getKey())
            .bind("id", topic.getValue())
            .execute();
        recreated.add(new Recreated(topic.getKey(), stored.get(), topic.getValue(), discarded));
      }
    }
    return recreated;
  }

  private static Optional<UUID> lock(Handle handle, String group, String topic) {
    return handle
        .createQuery(LOCK)
        .bind("group", group)
        .bind("topic", topic)
        .mapTo(UUID.class)
        .findOne();
  }
}
