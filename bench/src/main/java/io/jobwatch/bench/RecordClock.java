package io.jobwatch.bench;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor that notes when a contender's consumer first receives records (and the
 * process CPU time then), and, when {@link #trackCommits} is on, the delay from each record's
 * timestamp to the offset commit that covers it ({@link Delays}). Installed through {@code
 * interceptor.classes}, so it measures contenders whose consumer loop we do not own. One per
 * process; thread-safe.
 */
public final class RecordClock<K, V> implements ConsumerInterceptor<K, V> {
  private static volatile long firstRecordMillis = -1;
  private static volatile long cpuAtFirstRecord = -1;
  private static volatile long jitCpuAtFirstRecord = -1;
  private static final AtomicLong EARLIEST_TIMESTAMP = new AtomicLong(Long.MAX_VALUE);
  private static volatile boolean trackCommits;
  private static volatile boolean paced;
  private static final Map<TopicPartition, ArrayDeque<long[]>> PENDING = new HashMap<>();

  /** Record timestamps until their offsets are committed (paced runs only: it costs memory). */
  public static void trackCommits(boolean enabled) {
    trackCommits = enabled;
  }

  /**
   * Note the earliest record timestamp (paced runs only: throughput runs pay nothing per record).
   */
  public static void paced(boolean enabled) {
    paced = enabled;
  }

  public static long firstRecordMillis() {
    return firstRecordMillis;
  }

  /**
   * The earliest record timestamp received (in a paced run: when publishing began), or the first
   * record's arrival when no timestamps were seen; -1 before any record.
   */
  public static long firstPublishedMillis() {
    long earliest = EARLIEST_TIMESTAMP.get();
    return earliest == Long.MAX_VALUE ? firstRecordMillis : earliest;
  }

  public static long cpuAtFirstRecord() {
    return cpuAtFirstRecord;
  }

  /** {@link JvmProbe#jitCpuNanos} at the first record; -1 before any record. */
  public static long jitCpuAtFirstRecord() {
    return jitCpuAtFirstRecord;
  }

  /** Notes the first record; for contenders that run their own loop. */
  static void sawRecords() {
    if (firstRecordMillis < 0) {
      synchronized (RecordClock.class) {
        if (firstRecordMillis < 0) {
          jitCpuAtFirstRecord = JvmProbe.jitCpuNanos();
          cpuAtFirstRecord = JvmProbe.cpuNanos();
          firstRecordMillis = System.currentTimeMillis();
        }
      }
    }
  }

  @Override
  public ConsumerRecords<K, V> onConsume(ConsumerRecords<K, V> records) {
    if (!records.isEmpty()) {
      sawRecords();
      if (paced) {
        long earliest = Long.MAX_VALUE;
        for (ConsumerRecord<K, V> record : records) {
          if (record.timestamp() >= 0) {
            earliest = Math.min(earliest, record.timestamp());
          }
        }
        EARLIEST_TIMESTAMP.accumulateAndGet(earliest, Math::min);
      }
      if (trackCommits) {
        synchronized (PENDING) {
          for (ConsumerRecord<K, V> record : records) {
            PENDING
                .computeIfAbsent(
                    new TopicPartition(record.topic(), record.partition()), p -> new ArrayDeque<>())
                .add(new long[] {record.offset(), record.timestamp()});
          }
        }
      }
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (!trackCommits) {
      return;
    }
    long now = System.currentTimeMillis();
    synchronized (PENDING) {
      offsets.forEach(
          (partition, committed) -> {
            ArrayDeque<long[]> pending = PENDING.get(partition);
            while (pending != null
                && !pending.isEmpty()
                && pending.peek()[0] < committed.offset()) {
              Delays.process().record(now - pending.poll()[1]);
            }
          });
    }
  }

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}

  static Map<TopicPartition, Integer> pendingSizes() {
    Map<TopicPartition, Integer> sizes = new HashMap<>();
    synchronized (PENDING) {
      PENDING.forEach((partition, queue) -> sizes.put(partition, queue.size()));
    }
    return sizes;
  }
}
