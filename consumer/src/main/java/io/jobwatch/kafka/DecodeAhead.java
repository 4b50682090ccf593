package io.jobwatch.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * One poll's records being decoded on the decoding thread while the consumer thread writes the
 * previous batch (issue 12.3). Whatever happens to a partition meanwhile that makes its polled
 * records stale (a revocation, a lost partition, a new assignment, a fenced batch, an outage: every
 * case in which the partition is, or will be, sought to its stored offset or is no longer ours) is
 * told to {@link #drop}, and {@link #await} returns the batch without any record of it. Records of
 * a partition are dropped all or none, so each partition's remaining run stays contiguous.
 *
 * <p>Owned by the consumer thread, apart from the decoding itself.
 */
final class DecodeAhead {
  private final CompletableFuture<PolledBatch> decoding;
  private final Set<TopicPartition> partitions;
  private final Set<TopicPartition> dropped = new HashSet<>();

  private DecodeAhead(CompletableFuture<PolledBatch> decoding, Set<TopicPartition> partitions) {
    this.decoding = decoding;
    this.partitions = partitions;
  }

  /** Starts decoding {@code records} on {@code executor}. */
  static DecodeAhead start(
      ConsumerRecords<byte[], byte[]> records,
      ProgressTracker.Snapshot progress,
      RecordDecoder decoder,
      Executor executor,
      PipelineListener listener) {
    return new DecodeAhead(
        CompletableFuture.supplyAsync(
            () -> {
              long started = System.nanoTime();
              PolledBatch batch = PolledBatch.decode(records, decoder, progress);
              listener.decoded(batch.items().size(), Duration.ofNanos(System.nanoTime() - started));
              return batch;
            },
            executor),
        Set.copyOf(records.partitions()));
  }

  /** The partitions whose records are in flight (polled, not yet dropped, not yet written). */
  Set<TopicPartition> inFlight() {
    Set<TopicPartition> flying = new HashSet<>(partitions);
    flying.removeAll(dropped);
    return flying;
  }

  /** The records of these partitions must not be written. */
  void drop(Collection<TopicPartition> stale) {
    dropped.addAll(stale);
  }

  /**
   * Waits for the decoding and returns the batch without the dropped partitions' records, or null
   * when nothing is left.
   */
  PolledBatch await(PipelineListener listener) {
    long started = System.nanoTime();
    PolledBatch batch;
    try {
      batch = decoding.join();
    } catch (CompletionException e) {
      // DeadLetterItems.decode turns every exception into a dead letter: only an Error gets here.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
    listener.decodeAwaited(Duration.ofNanos(System.nanoTime() - started));
    PolledBatch kept = batch.without(dropped);
    return kept.items().isEmpty() ? null : kept;
  }
}
