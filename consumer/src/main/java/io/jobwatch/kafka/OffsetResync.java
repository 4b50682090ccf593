package io.jobwatch.kafka;

import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import io.jobwatch.store.OffsetsTable;
import io.jobwatch.store.PartitionAdvance;
import io.jobwatch.store.TopicsTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets as the database holds them: the next offset each partition's transaction expects, and
 * which partitions must first be sought to their stored offset (after an assignment, a fenced batch
 * or an outage; KafkaConsumer Javadoc, "Storing Offsets Outside Kafka"). Not thread-safe: owned by
 * the consumer thread.
 */
final class OffsetResync {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetResync.class);

  /**
   * How long a transaction whose commit got no answer may stay "in progress" before its records are
   * read again regardless: a synchronous standby or a slow disk decides within it; an id reused
   * after a failover, or a session the server keeps until its TCP keepalive, may not.
   */
  static final Duration IN_PROGRESS_WAIT = Duration.ofMinutes(2);

  private final Settings settings;
  private final Database database;
  private final TopicIds topicIds;
  private final Duration inProgressWait;
  private final Map<TopicPartition, Long> expectedNext = new HashMap<>();
  private final Set<TopicPartition> unsynced = new HashSet<>();
  // The last transaction, if its COMMIT got no answer; null when none.
  private Unconfirmed unconfirmed;
  // Transactions still in progress after the wait whose records were read again, oldest first: a
  // second commit without an answer may be abandoned while an earlier one is still undecided, and
  // either may commit after all.
  private final List<Unconfirmed> abandoned = new ArrayList<>();

  /**
   * A transaction whose COMMIT may or may not have reached the database. {@code nextOffsets}: the
   * offsets it writes; {@code since}: System.nanoTime() when the commit got no answer.
   */
  private record Unconfirmed(
      long transaction, Map<TopicPartition, Long> nextOffsets, Runnable onCommitted, long since) {}

  /** {@code inProgressWait}: {@link #IN_PROGRESS_WAIT} in production. */
  OffsetResync(Settings settings, Database database, TopicIds topicIds, Duration inProgressWait) {
    this.settings = settings;
    this.database = database;
    this.topicIds = topicIds;
    this.inProgressWait = inProgressWait;
  }

  boolean hasUnsynced() {
    return !unsynced.isEmpty();
  }

  /** The partitions not yet resynchronised, a copy. */
  Set<TopicPartition> unsynced() {
    return Set.copyOf(unsynced);
  }

  void markUnsynced(Collection<TopicPartition> partitions) {
    unsynced.addAll(partitions);
  }

  /** The advance of each partition a transaction writing up to {@code nextOffsets} makes. */
  List<PartitionAdvance> advances(Map<TopicPartition, Long> nextOffsets) {
    List<PartitionAdvance> advances = new ArrayList<>(nextOffsets.size());
    nextOffsets.forEach(
        (partition, next) ->
            advances.add(
                new PartitionAdvance(
                    partition.topic(), partition.partition(), expectedNext.get(partition), next)));
    return advances;
  }

  /**
   * A transaction committed these next offsets. One over a partition of an abandoned transaction
   * (read again past the wait) applied its records itself: that transaction did not commit.
   */
  void advanced(Map<TopicPartition, Long> nextOffsets) {
    expectedNext.putAll(nextOffsets);
    abandoned.removeIf(
        transaction ->
            !Collections.disjoint(transaction.nextOffsets().keySet(), nextOffsets.keySet()));
  }

  /** A new transaction begins: the answer to an earlier unconfirmed one is no longer asked. */
  void writing() {
    unconfirmed = null;
  }

  /**
   * The transaction {@code transaction} (its PostgreSQL id) failed, possibly in its COMMIT: when
   * the connection broke on the way back (a network cut, a backend killed, a failover), the
   * database may hold it anyway. The next {@link #resync} asks the database: if the transaction
   * committed, {@code onCommitted} runs (its records are counted once; no other consumer can have
   * applied them, the offsets' compare-and-set saw to that); still in progress, the resync fails
   * and is tried again after the outage's backoff; otherwise its records are read again. {@code
   * nextOffsets}: the offsets the transaction writes.
   */
  void commitUnconfirmed(
      long transaction, Map<TopicPartition, Long> nextOffsets, Runnable onCommitted) {
    unconfirmed =
        new Unconfirmed(transaction, Map.copyOf(nextOffsets), onCommitted, System.nanoTime());
  }

  /** The offsets confirmed by the database for the assigned partitions, for Kafka's copy. */
  Map<TopicPartition, Long> confirmed(Set<TopicPartition> assignment) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : assignment) {
      Long next = expectedNext.get(partition);
      if (next != null && !unsynced.contains(partition)) {
        offsets.put(partition, next);
      }
    }
    return offsets;
  }

  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      expectedNext.remove(partition);
      unsynced.remove(partition);
    }
  }

  /**
   * Seeks every unsynchronised assigned partition to its stored offset (or the beginning) and
   * resumes all assigned partitions. First the topics' Kafka ids are compared with the ones their
   * offsets were stored under ({@link TopicsTable}): the offsets of a topic deleted and created
   * again are discarded, and its partitions read from the start.
   *
   * @return assigned partitions already synchronised whose topic turned out to be recreated: the
   *     caller must treat them as fenced (their positions and expected offsets are the old topic's)
   * @throws RuntimeException when the database cannot be read, or the transaction whose commit got
   *     no answer is still in progress; nothing changed then
   */
  Set<TopicPartition> resync(Consumer<byte[], byte[]> kafka) {
    Set<TopicPartition> partitions = new HashSet<>(unsynced);
    partitions.retainAll(kafka.assignment());
    Map<String, UUID> ids =
        topicIds.lookup(partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet()));
    Map<TopicPartition, Long> stored = new HashMap<>();
    Map<TopicPartition, Long> settling = new HashMap<>();
    String[] unconfirmedStatus = new String[1];
    Map<Long, String> abandonedStatus = new HashMap<>();
    TopicsTable.Reconciled reconciled =
        database
            .jdbi()
            .inTransaction(
                handle -> {
                  unconfirmedStatus[0] =
                      unconfirmed == null
                          ? null
                          : OffsetsTable.transactionStatus(handle, unconfirmed.transaction());
                  if ("in progress".equals(unconfirmedStatus[0])
                      && System.nanoTime() - unconfirmed.since() < inProgressWait.toNanos()) {
                    // The server is still committing it (a synchronous standby, a slow disk) or
                    // has not noticed the lost connection yet. Its records read again now would
                    // wait for its locks and then find it committed: never counted (or, aborted,
                    // counted then). The outage goes on, with its backoff, until it is decided.
                    LOG.info(
                        "transaction {}, whose commit got no answer, is still in progress on the"
                            + " server; waiting for it before reading its records again",
                        unconfirmed.transaction());
                    throw new JobwatchException(
                        "transaction "
                            + unconfirmed.transaction()
                            + ", whose commit got no answer, is still in progress");
                  }
                  if ("in progress".equals(unconfirmedStatus[0])) {
                    // Still undecided after the wait: an id that now names another transaction
                    // (a failover to a standby that never saw the batch hands ids out again) or a
                    // session the server has not dropped yet. Consuming must not wait on it for
                    // ever: its records are read again (settleUnconfirmed keeps it as abandoned).
                    LOG.warn(
                        "transaction {}, whose commit got no answer, is still in progress after"
                            + " {}; reading its records again",
                        unconfirmed.transaction(),
                        inProgressWait);
                  }
                  for (Unconfirmed transaction : abandoned) {
                    abandonedStatus.put(
                        transaction.transaction(),
                        OffsetsTable.transactionStatus(handle, transaction.transaction()));
                  }
                  if (unconfirmed != null || !abandoned.isEmpty()) {
                    // Read before a recreated topic's offsets are discarded: a transaction over
                    // the old topic that committed left its offsets there, and its records will
                    // never be read again (the new topic is read from its start).
                    settling.putAll(storedOffsets(handle));
                  }
                  TopicsTable.Reconciled changed =
                      TopicsTable.reconcile(handle, settings.groupId(), ids);
                  stored.putAll(storedOffsets(handle));
                  return changed;
                });
    topicIds.verified(reconciled.inForce());
    Set<String> recreatedTopics = new HashSet<>();
    for (TopicsTable.Recreated topic : reconciled.recreated()) {
      recreatedTopics.add(topic.topic());
      LOG.warn(
          "topic {} was deleted and created again (Kafka id {}, stored offsets of id {}): the"
              + " {} partition offsets stored for the old topic are discarded and the topic is"
              + " read from its start",
          topic.topic(),
          topic.currentId(),
          topic.storedId(),
          topic.offsetsDiscarded());
    }
    if (unconfirmed != null
        && committedHere(unconfirmedStatus[0], unconfirmed.nextOffsets(), settling)) {
      // A later batch over their partitions committed: the abandoned ones did not (the offsets'
      // compare-and-set), whatever their ids read as now.
      Set<TopicPartition> written = unconfirmed.nextOffsets().keySet();
      abandoned.removeIf(
          transaction -> !Collections.disjoint(transaction.nextOffsets().keySet(), written));
    }
    settleAbandoned(abandonedStatus, settling);
    settleUnconfirmed(unconfirmedStatus[0], settling);
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      Long next = stored.get(partition);
      if (next == null) {
        fromStart.add(partition);
        expectedNext.remove(partition);
      } else {
        kafka.seek(partition, next);
        expectedNext.put(partition, next);
      }
    }
    if (!fromStart.isEmpty()) {
      kafka.seekToBeginning(fromStart);
    }
    unsynced.clear();
    kafka.resume(kafka.assignment());
    Set<TopicPartition> stale = new HashSet<>();
    for (TopicPartition partition : kafka.assignment()) {
      if (recreatedTopics.contains(partition.topic()) && !partitions.contains(partition)) {
        stale.add(partition);
      }
    }
    return stale;
  }

  /** The next offsets the database holds for this group's topics. */
  private Map<TopicPartition, Long> storedOffsets(Handle handle) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (OffsetsTable.StoredOffset offset :
        OffsetsTable.load(
            handle,
            settings.groupId(),
            List.of(settings.lifecycleTopic(), settings.errorsTopic()))) {
      offsets.put(new TopicPartition(offset.topic(), offset.partition()), offset.next());
    }
    return offsets;
  }

  /**
   * Counts an abandoned transaction that committed after its records were read again: the batch
   * over them was fenced by it, so no other batch counted them. {@code stored} must hold at least
   * its offsets, which only its commit (or one after it) wrote. Still in progress, it is asked
   * again at the next resynchronisation; aborted or forgotten, its records were read again. The
   * newest are settled first: one found committed proves that the older ones over any of its
   * partitions never did (it advanced from the offsets they would have moved), whatever their ids
   * read as now.
   */
  private void settleAbandoned(Map<Long, String> statuses, Map<TopicPartition, Long> stored) {
    List<Unconfirmed> newestFirst = new ArrayList<>(abandoned);
    Collections.reverse(newestFirst);
    for (Unconfirmed transaction : newestFirst) {
      int i = abandoned.indexOf(transaction);
      if (i < 0 || !statuses.containsKey(transaction.transaction())) {
        continue;
      }
      String status = statuses.get(transaction.transaction());
      if ("in progress".equals(status)) {
        continue;
      }
      abandoned.remove(i);
      if (committedHere(status, transaction.nextOffsets(), stored)) {
        LOG.info(
            "transaction {}, whose records were read again after waiting for its commit,"
                + " committed after all; its records are counted",
            transaction.transaction());
        transaction.onCommitted().run();
        Set<TopicPartition> written = transaction.nextOffsets().keySet();
        abandoned
            .subList(0, i)
            .removeIf(older -> !Collections.disjoint(older.nextOffsets().keySet(), written));
      }
    }
  }

  /**
   * Counts an unconfirmed transaction that committed (one in progress within the wait never gets
   * here). A transaction id the database calls committed while the stored offsets are short of the
   * transaction's own is not this transaction: after a failover to a standby that never saw the
   * batch the id is handed out again, and the records are read (and counted) again.
   */
  private void settleUnconfirmed(String status, Map<TopicPartition, Long> stored) {
    Unconfirmed transaction = unconfirmed;
    if (transaction == null) {
      return;
    }
    unconfirmed = null;
    if (committedHere(status, transaction.nextOffsets(), stored)) {
      transaction.onCommitted().run();
    } else if ("committed".equals(status)) {
      LOG.warn(
          "transaction {}, whose commit got no answer, reads as committed but the stored offsets"
              + " are short of its own {} (its id was handed out again, after a failover?); its"
              + " records are read again",
          transaction.transaction(),
          transaction.nextOffsets());
    } else if ("in progress".equals(status)) {
      // Past the wait (a transaction still in progress within it never gets here): its records
      // are read again. Should it commit after all, the batch over them is fenced, and a later
      // resynchronisation counts it (settleAbandoned).
      abandoned.add(transaction);
    } else if (OffsetsTable.UNKNOWN_YET.equals(status)) {
      LOG.warn(
          "transaction {}, whose commit got no answer, is unknown to the database: its id is one"
              + " the server has not handed out yet (a failover to a server behind the one it"
              + " ran on?); its records are read again",
          transaction.transaction());
    } else if (status == null) {
      LOG.warn(
          "could not tell whether transaction {} committed (too old); its records are not counted",
          transaction.transaction());
    }
  }

  /**
   * Whether a transaction writing {@code nextOffsets} committed, by its status and by the offsets
   * the database holds: they are at or past its own once it committed (offsets only move forward).
   */
  static boolean committedHere(
      String status, Map<TopicPartition, Long> nextOffsets, Map<TopicPartition, Long> stored) {
    return "committed".equals(status)
        && nextOffsets.entrySet().stream()
            .allMatch(
                offset -> {
                  Long next = stored.get(offset.getKey());
                  return next != null && next >= offset.getValue();
                });
  }
}
