package io.jobwatch.store;

import java.util.ArrayList;
import java.util.HashMap;
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
      """
      SELECT topic_id, previous_topic_id FROM consumer_topics
       WHERE group_id = :group AND topic = :topic FOR UPDATE
      """;

  private static final String RECORD =
      """
      INSERT INTO consumer_topics (group_id, topic, topic_id) VALUES (:group, :topic, :id)
      ON CONFLICT (group_id, topic) DO NOTHING
      """;

  private static final String REPLACE =
      """
      UPDATE consumer_topics
         SET previous_topic_id = topic_id, topic_id = :id, recorded_at = now()
       WHERE group_id = :group AND topic = :topic
      """;

  private static final String FORGET_OFFSETS =
      "DELETE FROM consumer_offsets WHERE group_id = :group AND topic = :topic";

  private static final String FORGET_PROGRESS =
      "DELETE FROM consumer_progress WHERE group_id = :group AND topic = :topic";

  private TopicsTable() {}

  /** A topic whose id changed: its offsets stored for the old one were discarded. */
  public record Recreated(String topic, UUID storedId, UUID currentId, int offsetsDiscarded) {}

  /** The ids the stored offsets now belong to, and the topics found recreated. */
  public record Reconciled(Map<String, UUID> inForce, List<Recreated> recreated) {}

  private record Stored(UUID id, UUID previous) {}

  /**
   * Records each topic's current id; for a topic stored under another id, discards the group's
   * offsets and progress of it and stores the new id. An id equal to the one the stored id replaced
   * is a broker's metadata not yet up to date, not another recreation: nothing changes. Call in a
   * transaction: a concurrent instance waits on the topic's row and then finds the new id, so the
   * offsets are discarded once.
   */
  public static Reconciled reconcile(Handle handle, String group, Map<String, UUID> current) {
    List<Recreated> recreated = new ArrayList<>();
    Map<String, UUID> inForce = new HashMap<>();
    for (Map.Entry<String, UUID> topic : current.entrySet()) {
      Optional<Stored> stored = lock(handle, group, topic.getKey());
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
      if (stored.isEmpty()) {
        continue;
      }
      UUID id = stored.get().id();
      if (!id.equals(topic.getValue()) && !topic.getValue().equals(stored.get().previous())) {
        // Progress first: a batch upserts its progress row before its offsets, so the same order
        // here waits for that batch to commit instead of deadlocking with it.
        handle
            .createUpdate(FORGET_PROGRESS)
            .bind("group", group)
            .bind("topic", topic.getKey())
            .execute();
        int discarded =
            handle
                .createUpdate(FORGET_OFFSETS)
                .bind("group", group)
                .bind("topic", topic.getKey())
                .execute();
        handle
            .createUpdate(REPLACE)
            .bind("group", group)
            .bind("topic", topic.getKey())
            .bind("id", topic.getValue())
            .execute();
        recreated.add(new Recreated(topic.getKey(), id, topic.getValue(), discarded));
        id = topic.getValue();
      }
      inForce.put(topic.getKey(), id);
    }
    return new Reconciled(inForce, recreated);
  }

  private static Optional<Stored> lock(Handle handle, String group, String topic) {
    return handle
        .createQuery(LOCK)
        .bind("group", group)
        .bind("topic", topic)
        .map(
            (rs, ctx) ->
                new Stored(
                    rs.getObject("topic_id", UUID.class),
                    rs.getObject("previous_topic_id", UUID.class)))
        .findOne();
  }
}
