package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.pipeline.Item;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DecodeAheadTest {
  private static final TopicPartition A = new TopicPartition("lifecycle", 0);
  private static final TopicPartition B = new TopicPartition("lifecycle", 1);
  private static final TopicPartition E = new TopicPartition("errors", 0);
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private static ConsumerRecords<byte[], byte[]> polled(Map<TopicPartition, Integer> counts) {
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
    counts.forEach(
        (partition, count) -> {
          List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
          for (int offset = 10; offset < 10 + count; offset++) {
            list.add(
                new ConsumerRecord<>(
                    partition.topic(),
                    partition.partition(),
                    offset,
                    "k".getBytes(StandardCharsets.UTF_8),
                    ("v" + offset).getBytes(StandardCharsets.UTF_8)));
          }
          records.put(partition, list);
        });
    return new ConsumerRecords<>(records, Map.of());
  }

  private static final RecordDecoder DEAD_LETTERS = record -> DeadLetterItems.of(record, "test");

  private static List<String> positions(PolledBatch batch) {
    return batch.items().stream()
        .map(item -> item.topic() + "-" + item.partition() + "@" + item.offset())
        .toList();
  }

  @Test
  @DisplayName("Records of partitions dropped while decoding are left out, all of them, in order")
  void droppedPartitionsAreLeftOutWhole() {
    Map<TopicPartition, Integer> counts = new LinkedHashMap<>();
    counts.put(A, 3);
    counts.put(B, 2);
    counts.put(E, 1);
    DecodeAhead ahead =
        DecodeAhead.start(
            polled(counts),
            ProgressTracker.Snapshot.EMPTY,
            DEAD_LETTERS,
            executor,
            PipelineListener.NONE);
    assertThat(ahead.inFlight()).containsExactlyInAnyOrder(A, B, E);

    ahead.drop(List.of(B));

    assertThat(ahead.inFlight()).containsExactlyInAnyOrder(A, E);
    PolledBatch batch = ahead.await(PipelineListener.NONE);
    assertThat(positions(batch))
        .containsExactly("lifecycle-0@10", "lifecycle-0@11", "lifecycle-0@12", "errors-0@10");
    // Each kept item still finds its consumed record (for a dead letter).
    for (Item item : batch.items()) {
      assertThat(batch.recordOf(item).offset()).isEqualTo(item.offset());
    }
  }

  @Test
  @DisplayName("A drop told before the decoding ends still applies; nothing left gives no batch")
  void dropDuringDecodingLeavesNothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordDecoder slow =
        record -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return DEAD_LETTERS.decode(record);
        };
    DecodeAhead ahead =
        DecodeAhead.start(
            polled(Map.of(A, 4)),
            ProgressTracker.Snapshot.EMPTY,
            slow,
            executor,
            PipelineListener.NONE);

    ahead.drop(Set.of(A));
    release.countDown();

    assertThat(ahead.await(PipelineListener.NONE)).isNull();
    assertThat(ahead.inFlight()).isEmpty();
  }
}
