package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.FencedException;
import io.jobwatch.pipeline.HistoryCache;
import io.jobwatch.pipeline.Item;
import io.jobwatch.store.Database;
import io.jobwatch.store.LoggableErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of jobwatch: polls both topics and writes each poll as one database transaction
 * with the next offsets ({@link BatchTransaction}). While a backlog drains, a poll's records are
 * decoded on a decoding thread while the batch of the poll before is written ({@link DecodeAhead},
 * issue 12.3); a poll that leaves nothing behind is written at once, as holding it for the next
 * poll would only delay it (issue 12.4); records polled ahead of a partition that is revoked, lost,
 * fenced or paused by an outage are dropped before they are written, and the partition is sought to
 * its stored offset (or given up), so a transaction still advances each partition over a contiguous
 * run of offsets from the one the database holds. A batch that fails while the database answers
 * goes to {@link PoisonIsolation}, a database that does not answer to {@link OutageState} with
 * {@link OffsetResync} on its return; {@link KafkaCommits}, {@link LagReporter} and {@link
 * Readiness} keep the outside informed.
 *
 * <p>Runs on one thread ({@link #run}); {@link #stop} and {@link #isReady} may be called from any
 * thread.
 */
public final class ConsumerLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Settings settings;
  private final Database database;
  private final RecordDecoder decoder;
  private final PipelineListener listener;
  private final Clock clock;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final HistoryCache history;
  private final ProgressTracker progress;
  private final OffsetResync offsets;
  private final OutageState outage = new OutageState();
  private final Readiness readiness;
  private final KafkaCommits commits;
  private final LagReporter lag;
  private final BatchTransaction transaction;
  private final PoisonIsolation isolation;
  private final OutOfRange outOfRange;
  private final TopicIds topicIds;
  private volatile boolean stopping;
  private volatile Throwable failure;
  private volatile Consumer<byte[], byte[]> consumer;
  private ExecutorService decoding;
  // The last poll's records, decoding while the batch before them is written; null when none.
  private DecodeAhead ahead;

  public ConsumerLoop(
      Settings settings,
      Database database,
      BatchWriter writer,
      RecordDecoder decoder,
      PipelineListener listener,
      Clock clock) {
    this(settings, database, writer, decoder, listener, clock, PoisonIsolation.TIMEOUT_HALVING);
  }

  /**
   * With another budget for halving batches that time out ({@link PoisonIsolation#TIMEOUT_HALVING}
   * in production), so that tests need not wait a minute.
   */
  public ConsumerLoop(
      Settings settings,
      Database database,
      BatchWriter writer,
      RecordDecoder decoder,
      PipelineListener listener,
      Clock clock,
      Duration timeoutHalving) {
    this(
        settings,
        database,
        writer,
        decoder,
        listener,
        clock,
        timeoutHalving,
        OffsetResync.IN_PROGRESS_WAIT);
  }

  /**
   * With other budgets for halving batches that time out and for waiting on a commit without an
   * answer that the database still shows in progress ({@link OffsetResync#IN_PROGRESS_WAIT}, 2
   * minutes, in production), so that tests need not wait minutes.
   */
  public ConsumerLoop(
      Settings settings,
      Database database,
      BatchWriter writer,
      RecordDecoder decoder,
      PipelineListener listener,
      Clock clock,
      Duration timeoutHalving,
      Duration inProgressWait) {
    this.settings = settings;
    this.database = database;
    this.decoder = decoder;
    this.listener = listener;
    this.clock = clock;
    this.history = new HistoryCache(settings.historyCacheBytes());
    this.progress = new ProgressTracker(database, settings.groupId(), clock);
    this.topicIds = new TopicIds(settings, clock);
    this.offsets = new OffsetResync(settings, database, topicIds, inProgressWait);
    this.readiness = new Readiness(database, listener, clock);
    this.commits =
        new KafkaCommits(
            database,
            settings.groupId(),
            offsets,
            () -> ahead == null ? Set.of() : ahead.inFlight());
    this.lag = new LagReporter(listener);
    this.transaction =
        new BatchTransaction(
            settings, database, writer, offsets, history, progress, listener, clock);
    this.isolation = new PoisonIsolation(transaction, database, history, timeoutHalving);
    this.outOfRange = new OutOfRange(settings, database, offsets, listener);
  }

  public boolean isReady() {
    return readiness.isReady();
  }

  /** Asks the loop to finish the batch in flight, commit and return; safe from any thread. */
  public void stop() {
    stopping = true;
    Consumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }

  private void failed(Throwable error) {
    failure = error;
    // The frames of the error, with its messages as LoggableErrors tells them (no row data).
    RuntimeException logged = new RuntimeException(LoggableErrors.describe(error));
    logged.setStackTrace(error.getStackTrace());
    LOG.error("the consumer stopped on an error", logged);
  }

  /** What ended {@link #run}, if it ended on an error rather than {@link #stop}; else null. */
  public Throwable failure() {
    return failure;
  }

  /** Waits until {@link #run} has returned. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    decoding =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "jobwatch-decode");
              thread.setDaemon(true);
              return thread;
            });
    try {
      KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(ConsumerProperties.of(settings));
      listener.consumerStarted(kafka);
      try {
        consumer = kafka;
        kafka.subscribe(
            List.of(settings.lifecycleTopic(), settings.errorsTopic()),
            new Rebalance(
                () -> consumer,
                offsets,
                commits,
                history,
                listener,
                this::assigned,
                this::dropAhead));
        while (!stopping) {
          pollOnce(kafka);
        }
        // Finish the batch in flight: its records were polled, so write them before leaving.
        writeAhead(kafka);
        commits.commit(kafka, true);
      } catch (RuntimeException | Error e) {
        // The loop dies with the consumer's position past records it may not have written (a
        // batch decoding or being written when the error came): closing revokes the partitions,
        // which would store that position as offsets past skipped markers. Nothing is confirmed
        // now but what the database holds.
        offsets.markUnsynced(kafka.assignment());
        throw e;
      } finally {
        try {
          listener.consumerClosing(kafka);
          kafka.close();
        } finally {
          topicIds.close();
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        failed(e);
      }
    } catch (RuntimeException | Error e) {
      // What ends the loop (a client setting Kafka refuses, an authentication failure, a stack
      // overflow) is the process's failure: logged like everything else (row data left out), and
      // `consume` exits 1.
      failed(e);
    } finally {
      ahead = null;
      decoding.shutdownNow();
      readiness.set(false);
      consumer = null;
      finished.countDown();
      LOG.info("consumer stopped");
    }
  }

  private void pollOnce(Consumer<byte[], byte[]> kafka) {
    recheckTopicIds(kafka);
    if (outage.inOutage() || offsets.hasUnsynced()) {
      tryToRecover(kafka);
    }
    if (readiness.isReady()) {
      // Issue 10.3: partitions with nothing left to read are caught up; monitors judge by it.
      // Records polled but not yet written are something left to read.
      progress.refresh(kafka, offsets.unsynced(), ahead == null ? Set.of() : ahead.inFlight());
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      // With a batch waiting to be written, only take what the client already holds.
      records = kafka.poll(ahead == null ? POLL : Duration.ZERO);
    } catch (WakeupException e) {
      if (stopping) {
        return;
      }
      throw e;
    } catch (InvalidOffsetException e) {
      // A position the broker no longer holds (retention, a recreated topic): the batch polled
      // before it is written first, so the partition moves on from what the database holds.
      writeAhead(kafka);
      resumeOutOfRange(kafka, e);
      return;
    }
    listener.polled(records.count());
    lag.report(kafka);
    ProgressTracker.Snapshot polled = progress.polled(kafka, records);
    DecodeAhead previous = ahead;
    ahead =
        records.isEmpty() ? null : DecodeAhead.start(records, polled, decoder, decoding, listener);
    if (previous != null) {
      // Decoding the records just polled overlaps this write; a failure of this write drops
      // what they hold of the partitions it pauses (see fenced and enterOutage).
      write(kafka, previous);
    } else if (ahead != null && polled.leftNothing()) {
      // Caught up: nothing is behind these records, so reading ahead would only hold them for
      // one more poll and write (a whole batch's time added to every event's delay). They are
      // written now; the overlap resumes with the next poll that leaves a backlog behind it.
      writeAhead(kafka);
    } else if (records.isEmpty() && !outage.inOutage() && !offsets.hasUnsynced()) {
      readiness.idle();
      // A poll that returned nothing may still have moved past markers: both copies follow.
      commits.commitIdle(kafka);
    }
  }

  /**
   * A topic deleted and created again while its partitions stay assigned: its partitions are
   * treated as fenced, so the resynchronisation discards the old topic's offsets (every 30 s).
   */
  private void recheckTopicIds(Consumer<byte[], byte[]> kafka) {
    if (outage.inOutage() || !topicIds.recheckDue()) {
      return;
    }
    Set<TopicPartition> assigned = kafka.assignment();
    Set<String> changed =
        topicIds.changedSinceVerified(
            assigned.stream().map(TopicPartition::topic).collect(Collectors.toSet()));
    if (!changed.isEmpty()) {
      Set<TopicPartition> stale =
          assigned.stream()
              .filter(partition -> changed.contains(partition.topic()))
              .collect(Collectors.toSet());
      LOG.warn("the Kafka id of {} changed while consumed; re-reading stored offsets", changed);
      fenced(kafka, stale);
    }
  }

  /** Writes the batch decoding ahead, if any (when stopping). */
  private void writeAhead(Consumer<byte[], byte[]> kafka) {
    DecodeAhead last = ahead;
    ahead = null;
    if (last != null) {
      write(kafka, last);
    }
  }

  private void write(Consumer<byte[], byte[]> kafka, DecodeAhead decoded) {
    PolledBatch batch = decoded.await(listener);
    if (batch == null) {
      return;
    }
    // The batch is reported against its own poll, for the partitions that are still consumed.
    Set<TopicPartition> consuming = new HashSet<>(kafka.assignment());
    consuming.removeAll(kafka.paused());
    progress.writing(batch.progress().consumingOnly(consuming));
    apply(kafka, batch);
  }

  /** Records polled ahead of these partitions must not be written (they are sought or gone). */
  private void dropAhead(Collection<TopicPartition> partitions) {
    if (ahead != null) {
      ahead.drop(partitions);
    }
  }

  private void apply(Consumer<byte[], byte[]> kafka, PolledBatch batch) {
    List<Item> items = batch.items();
    if (!isolation.resumesHalving()) {
      try {
        transaction.write(items);
        committed(kafka);
        return;
      } catch (FencedException e) {
        fenced(kafka, items, e);
        return;
      } catch (RuntimeException e) {
        history.clear();
        // A statement timeout is the database's, but the same batch would time out again on
        // every retry: a smaller one may not (docs/operators.md, "Poison records and replay").
        boolean tooBig = items.size() > 1 && Failures.isStatementCancelled(e);
        if (!(Failures.blamesTheRecord(e) || tooBig) || !database.isReachable()) {
          enterOutage(kafka, e);
          return;
        }
        // The database answers and the failure is no connection's or deadlock's: something in
        // this batch made it fail. Apply the batch in halves and dead-letter the record that
        // fails on its own, rather than retry forever.
        LOG.warn(
            "a batch of {} records failed; isolating the cause: {}",
            items.size(),
            LoggableErrors.describe(e));
      }
    }
    try {
      isolation.isolate(batch, items);
      committed(kafka);
    } catch (FencedException fenced) {
      fenced(kafka, items, fenced);
    } catch (RuntimeException again) {
      enterOutage(kafka, again);
    }
  }

  private void committed(Consumer<byte[], byte[]> kafka) {
    outage.succeeded();
    readiness.databaseAnswered();
    commits.commit(kafka, false);
  }

  private void fenced(Consumer<byte[], byte[]> kafka, List<Item> items, FencedException e) {
    LOG.warn("batch rolled back: {}; re-reading stored offsets", e.getMessage());
    fenced(kafka, PolledBatch.partitionsOf(items));
  }

  private void fenced(Consumer<byte[], byte[]> kafka, Set<TopicPartition> partitions) {
    history.clear();
    offsets.markUnsynced(partitions);
    dropAhead(partitions);
    pause(kafka, partitions);
  }

  /** Moves partitions whose position the broker no longer holds to their log start. */
  private void resumeOutOfRange(Consumer<byte[], byte[]> kafka, InvalidOffsetException invalid) {
    try {
      Set<TopicPartition> fencedOut = outOfRange.resume(kafka, invalid);
      if (!fencedOut.isEmpty()) {
        LOG.warn("{} advanced by another consumer; re-reading stored offsets", fencedOut);
        fenced(kafka, fencedOut);
      }
    } catch (RuntimeException e) {
      enterOutage(kafka, e);
    }
  }

  private void enterOutage(Consumer<byte[], byte[]> kafka, RuntimeException cause) {
    history.clear();
    if (outage.failed(clock.instant())) {
      LOG.warn(
          "database write failed, pausing all partitions until it answers: {}",
          LoggableErrors.describe(cause));
    }
    readiness.set(false);
    offsets.markUnsynced(kafka.assignment());
    dropAhead(kafka.assignment());
    pause(kafka, kafka.assignment());
  }

  /** Once the database answers, seeks every unsynchronised partition to its stored offset. */
  private void tryToRecover(Consumer<byte[], byte[]> kafka) {
    if (!outage.mayRetry(clock.instant())) {
      return;
    }
    try {
      Set<TopicPartition> stale = offsets.resync(kafka);
      if (!stale.isEmpty()) {
        fenced(kafka, stale);
      }
      if (outage.resynced()) {
        // The database answered a read, which a server still read-only after a failover does:
        // ready again once a batch commits, or, with nothing to write, at the idle check.
        LOG.info("database answers again; resuming from the stored offsets");
      } else {
        readiness.databaseAnswered();
      }
    } catch (RuntimeException e) {
      enterOutage(kafka, e);
    }
  }

  /** Newly assigned partitions are paused and unsynchronised: fetch their offsets at once. */
  private void assigned(Consumer<byte[], byte[]> kafka) {
    outage.retrySoonUnlessInOutage();
    tryToRecover(kafka);
  }

  private static void pause(Consumer<byte[], byte[]> kafka, Collection<TopicPartition> partitions) {
    Set<TopicPartition> owned = new HashSet<>(partitions);
    owned.retainAll(kafka.assignment());
    kafka.pause(owned);
  }
}
