package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the platform team's Kafka does to the log under jobwatch: retention, deleted records. */
@WithInfra
class KafkaLogEdgesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "Records Kafka deleted before jobwatch read them are skipped to the log start, counted once"
          + " in jobwatch_records_lost_total, and the skip is stored")
  void recordsDeletedBeforeTheyWereReadAreCountedOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      TopicPartition partition = new TopicPartition(harness.lifecycle, 0);
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(submit(harness, "read", 3).toArray(String[]::new)); // offsets 0-2
      }
      // While jobwatch is down, retention deletes records it had not read yet.
      List<String> deleted = submit(harness, "deleted", 3); // offsets 3-5
      List<String> kept = submit(harness, "kept", 2); // offsets 6-7
      harness.flush();
      deleteBefore(harness, partition, 6);
      try (JobwatchApp app = harness.startApp()) {
        kept.addAll(submit(harness, "later", 1)); // offset 8
        harness.awaitStored(kept.toArray(String[]::new));
        assertThat(
                harness.count(
                    "SELECT count(*) FROM job_events WHERE job_id LIKE 'deleted-%'"
                        + " OR job_id LIKE 'read-%'"))
            .as("the deleted records are gone, the ones read before stay")
            .isEqualTo(3);
        assertThat(storedNext(harness)).isEqualTo(9);
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, 3);
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .as("offsets 3-5 were deleted unread: %s", deleted)
            .isEqualTo(3.0);
        assertThat(scrape.value("jobwatch_records_lost_total", "topic", harness.errors)).isZero();
        assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(3.0);
      }

      // Everything unread is deleted and nothing new arrives: the skip itself is stored, so a
      // restart neither counts it again nor seeks below the log start.
      submit(harness, "gone", 2); // offsets 9-10
      harness.flush();
      deleteBefore(harness, partition, 11);
      try (JobwatchApp app = harness.startApp()) {
        Harness.await(
            "the skip to the log start to be stored", WAIT, () -> storedNext(harness) == 11);
        // The loss is counted after the skip's COMMIT returned, not when the database shows it.
        Harness.await(
            "the loss to be counted",
            WAIT,
            () ->
                Scrape.metrics(app.httpPort())
                        .value("jobwatch_records_lost_total", "topic", harness.lifecycle)
                    >= 2.0);
        assertThat(
                Scrape.metrics(app.httpPort())
                    .value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .isEqualTo(2.0);
      }
      try (JobwatchApp app = harness.startApp()) {
        List<String> last = submit(harness, "last", 1); // offset 11
        harness.awaitStored(last.toArray(String[]::new));
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, 1);
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .as("a loss already stored is not counted again")
            .isZero();
        assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(1.0);
        assertThat(storedNext(harness)).isEqualTo(12);
      }
    }
  }

  @Test
  @DisplayName(
      "A topic deleted and recreated while jobwatch is down is read from its start, also once it"
          + " has grown past the old topic's offset")
  void recreatedTopicIsReadFromItsStart(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(submit(harness, "old", 4).toArray(String[]::new)); // offsets 0-3
      }
      recreate(harness);
      try (JobwatchApp app = harness.startApp()) {
        // Offset 4 is beyond the empty new log: the partition moves to its start, stored.
        Harness.await(
            "the move to the new log's start to be stored", WAIT, () -> storedNext(harness) == 0);
        assertThat(
                Scrape.metrics(app.httpPort())
                    .value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .as("nothing Kafka held was skipped")
            .isZero();
      }
      // The new topic grows past offset 4 before jobwatch reads it.
      List<String> fresh = submit(harness, "new", 6); // offsets 0-5 of the new topic
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(fresh.toArray(String[]::new));
        assertThat(storedNext(harness)).isEqualTo(6);
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, 6);
        assertThat(Scrape.metrics(app.httpPort()).events(harness.lifecycle, "applied"))
            .isEqualTo(6.0);
      }
    }
  }

  @Test
  @DisplayName(
      "A topic deleted and created again while jobwatch is down, and grown past the old topic's"
          + " offset before it starts, is read from its start: its Kafka id differs")
  void recreatedTopicGrownPastTheOldOffsetIsReadFromItsStart(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(submit(harness, "old", 3).toArray(String[]::new)); // offsets 0-2
      }
      assertThat(storedNext(harness)).isEqualTo(3);
      recreate(harness);
      // Offsets 0-4 of the new topic: offset 3, where the old topic's reading ended, is inside it.
      List<String> fresh = submit(harness, "new", 5);
      harness.flush();
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(fresh.toArray(String[]::new));
        assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id LIKE 'new-%'"))
            .as("the new topic's first records too")
            .isEqualTo(5);
        assertThat(storedNext(harness)).isEqualTo(5);
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, 5);
        assertThat(Scrape.metrics(app.httpPort()).events(harness.lifecycle, "applied"))
            .isEqualTo(5.0);
      }
      assertThat(
              harness
                  .row(
                      "SELECT count(*) AS n FROM consumer_topics WHERE topic = :p0",
                      harness.lifecycle)
                  .get("n"))
          .as("one id recorded for the topic, the new one's")
          .isEqualTo(1L);
    }
  }

  @Test
  @DisplayName(
      "A topic deleted and created again while jobwatch consumes it is read from its start,"
          + " however far the new topic has grown when jobwatch notices")
  void topicRecreatedWhileConsumedIsReadFromItsStart(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(submit(harness, "old", 3).toArray(String[]::new));
        recreate(harness);
        List<String> fresh = submit(harness, "new", 8);
        harness.flush();
        harness.awaitStored(fresh.toArray(String[]::new));
        assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id LIKE 'new-%'"))
            .isEqualTo(8);
        Harness.await("the new topic's offset to be stored", WAIT, () -> storedNext(harness) == 8);
      }
    }
  }

  @Test
  @DisplayName(
      "Transactional and compressed publishers: aborted records are never applied, markers leave"
          + " no lag and nothing is applied again after a restart")
  void transactionsAndCompressedBatches(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      List<String> committed = new ArrayList<>();
      List<String> aborted = new ArrayList<>();
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        for (String compression : List.of("gzip", "snappy", "lz4", "zstd")) {
          try (KafkaProducer<byte[], byte[]> compressed = producer(harness, compression, false)) {
            committed.add(send(compressed, harness, "job.submitted", compression, 5));
          }
        }
        // The log ends with a commit marker (and holds an aborted transaction before it).
        try (KafkaProducer<byte[], byte[]> transactional = producer(harness, "zstd", true)) {
          transactional.initTransactions();
          transactional.beginTransaction();
          committed.add(send(transactional, harness, "job.submitted", "tx-a", 0));
          committed.add(send(transactional, harness, "job.started", "tx-a", 1));
          transactional.commitTransaction();
          transactional.beginTransaction();
          aborted.add(send(transactional, harness, "job.submitted", "tx-b", 2));
          aborted.add(send(transactional, harness, "job.finished", "tx-a", 3));
          transactional.flush();
          transactional.abortTransaction();
          transactional.beginTransaction();
          committed.add(send(transactional, harness, "job.submitted", "tx-c", 4));
          transactional.commitTransaction();
        }
        harness.awaitStored(committed.toArray(String[]::new));
        Harness.await(
            "no lag left on the lifecycle partition",
            WAIT,
            () ->
                Scrape.metrics(app.httpPort())
                        .value(
                            "jobwatch_consumer_lag", "topic", harness.lifecycle, "partition", "0")
                    == 0.0);
        long abortedStored =
            harness
                .jdbi()
                .withHandle(
                    handle ->
                        handle
                            .createQuery(
                                "SELECT count(*) FROM job_events WHERE event_id = ANY(:ids)")
                            .bindArray("ids", String.class, aborted)
                            .mapTo(Long.class)
                            .one());
        assertThat(abortedStored).as("aborted records are never applied").isZero();
        // Lag tools read Kafka's copy of the offsets: the trailing marker is not lag.
        TopicPartition partition = new TopicPartition(harness.lifecycle, 0);
        try (Admin admin = admin(harness)) {
          long end =
              admin
                  .listOffsets(Map.of(partition, OffsetSpec.latest()))
                  .partitionResult(partition)
                  .get()
                  .offset();
          Harness.await(
              "Kafka's copy of the offsets to reach the log end " + end,
              WAIT,
              () -> kafkaCopy(admin, harness.group, partition) == end);
        }
        assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = 'tx-b'")).isZero();
        assertThat(harness.job("tx-a").get("state")).isEqualTo("running");
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        // Stored (and no lag, which the poll reports before the write) is not counted yet.
        harness.awaitCounted(app, committed.size());
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(committed.size());
        assertThat(scrape.events(harness.lifecycle, "duplicate")).isZero();
      }
      try (JobwatchApp app = harness.startApp()) {
        List<String> last = submit(harness, "after-restart", 1);
        harness.awaitStored(last.toArray(String[]::new));
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, 1);
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.events(harness.lifecycle, "applied"))
            .as("only the new record is applied after the restart")
            .isEqualTo(1.0);
        assertThat(scrape.events(harness.lifecycle, "duplicate")).isZero();
        assertThat(scrape.value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .isZero();
      }
    }
  }

  @Test
  @DisplayName(
      "A partition whose last records came in transactions, all read, then deleted by retention:"
          + " nothing counts as lost after a restart, as the markers held no record")
  void transactionMarkersReadBeforeRetentionAreNoLoss(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      TopicPartition partition = new TopicPartition(harness.lifecycle, 0);
      List<String> committed = new ArrayList<>();
      long end;
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        // A Spring or Kafka Streams publisher with transactions: each ends with a marker.
        try (KafkaProducer<byte[], byte[]> transactional = producer(harness, "none", true)) {
          transactional.initTransactions();
          transactional.beginTransaction();
          committed.add(send(transactional, harness, "job.submitted", "tx-a", 0)); // offset 0
          committed.add(send(transactional, harness, "job.started", "tx-a", 1)); // offset 1
          transactional.commitTransaction(); // marker at 2
          transactional.beginTransaction();
          send(transactional, harness, "job.finished", "tx-a", 2); // offset 3, aborted
          transactional.flush();
          transactional.abortTransaction(); // marker at 4
        }
        harness.awaitStored(committed.toArray(String[]::new));
        try (Admin admin = admin(harness)) {
          end =
              admin
                  .listOffsets(Map.of(partition, OffsetSpec.latest()))
                  .partitionResult(partition)
                  .get()
                  .offset();
          Harness.await(
              "Kafka's copy of the offsets to reach the log end " + end,
              WAIT,
              () -> kafkaCopy(admin, harness.group, partition) == end);
        }
      }
      // The partition stays quiet for retention.ms: Kafka deletes its segments, all read.
      deleteBefore(harness, partition, end);
      try (JobwatchApp app = harness.startApp()) {
        List<String> later = submit(harness, "later", 1); // offset 5
        harness.awaitStored(later.toArray(String[]::new));
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, 1);
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.value("jobwatch_records_lost_total", "topic", harness.lifecycle))
            .as("offsets 0-4 were all read: two events, two markers and an aborted record")
            .isZero();
        assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(1.0);
        assertThat(storedNext(harness)).isEqualTo(end + 1);
      }
      assertThat(harness.job("tx-a").get("state")).isEqualTo("running");
    }
  }

  @Test
  @DisplayName(
      "A record larger than max.partition.fetch.bytes (the topic allows 3 MB) is dead-lettered,"
          + " truncated, counted, and the partition moves on")
  void recordLargerThanTheFetchSizeIsDeadLettered(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (Admin admin = admin(harness)) {
        admin
            .incrementalAlterConfigs(
                Map.of(
                    new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                        harness.lifecycle),
                    List.of(
                        new org.apache.kafka.clients.admin.AlterConfigOp(
                            new org.apache.kafka.clients.admin.ConfigEntry(
                                "max.message.bytes", "3000000"),
                            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
            .all()
            .get();
      }
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        List<String> ids = new ArrayList<>(submit(harness, "before", 1));
        harness.flush();
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3_000_000);
        String big =
            Envelopes.event(
                UUID.randomUUID().toString(),
                "job.status",
                T0,
                Envelopes.json(
                    Map.of("job_id", "big", "attempt", 1, "activity", "x".repeat(2_000_000))));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
          producer
              .send(
                  new ProducerRecord<>(
                      harness.lifecycle,
                      "big".getBytes(StandardCharsets.UTF_8),
                      big.getBytes(StandardCharsets.UTF_8)))
              .get();
        }
        ids.addAll(submit(harness, "after", 1));
        harness.awaitStored(ids.toArray(String[]::new));
        harness.awaitCounted(app, 3);
        assertThat(
                harness.row(
                    "SELECT truncated, original_bytes, octet_length(record_value) AS stored,"
                        + " reason FROM dead_letters"))
            .containsEntry("truncated", true)
            .containsEntry("original_bytes", big.length())
            .containsEntry("stored", 1_048_576)
            .containsEntry("reason", "record of " + big.length() + " bytes exceeds 1048576");
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.events(harness.lifecycle, "dead_lettered")).isEqualTo(1.0);
        assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(2.0);
        assertThat(storedNext(harness)).isEqualTo(3);
      }
    }
  }

  @Test
  @DisplayName(
      "A transactional publisher fenced mid-transaction by its restarted instance: the fenced"
          + " transaction's records are never applied, the new instance's once")
  void fencedTransactionIsNeverApplied(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      String transactionalId = "runner-" + UUID.randomUUID();
      List<String> fencedIds = new ArrayList<>();
      List<String> committed = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> old = transactionalProducer(harness, transactionalId)) {
        old.initTransactions();
        old.beginTransaction();
        fencedIds.add(send(old, harness, "job.submitted", "fenced", 0));
        fencedIds.add(send(old, harness, "job.finished", "both", 5));
        old.flush();
        // The runner restarts with the same transactional.id while its transaction is open.
        try (KafkaProducer<byte[], byte[]> restarted =
            transactionalProducer(harness, transactionalId)) {
          restarted.initTransactions();
          restarted.beginTransaction();
          committed.add(send(restarted, harness, "job.submitted", "both", 0));
          committed.add(send(restarted, harness, "job.started", "both", 1));
          restarted.commitTransaction();
        }
        assertThatThrownBy(old::commitTransaction)
            .isInstanceOf(org.apache.kafka.common.errors.ProducerFencedException.class);
      }
      harness.awaitStored(committed.toArray(String[]::new));
      harness.awaitCounted(app, committed.size());
      assertThat(harness.job("both").get("state")).isEqualTo("running");
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = 'fenced'")).isZero();
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(2);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(2.0);
      assertThat(scrape.events(harness.lifecycle, "duplicate")).isZero();
    }
  }

  private static KafkaProducer<byte[], byte[]> transactionalProducer(
      Harness harness, String transactionalId) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(properties);
  }

  @Test
  @DisplayName(
      "Partitions added while jobwatch runs are read from their start; a job split over an old and"
          + " a new partition folds once")
  void partitionsAddedWhileRunning(Infra infra) throws Exception {
    try (Harness harness =
        new Harness(infra, 1, Map.of("JOBWATCH_KAFKA_METADATA_MAX_AGE_MS", "1000"))) {
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        String job = keyOnPartition("split", 4, 3);
        List<String> ids = new ArrayList<>();
        ids.add(
            harness.lifecycleEvent("job.submitted", T0, Map.of("job_id", job, "service", "blast")));
        ids.add(
            harness.lifecycleEvent(
                "job.started",
                T0.plusSeconds(1),
                Map.of("job_id", job, "runner", "slurm", "attempt", 1)));
        harness.awaitStored(ids.toArray(String[]::new));
        try (Admin admin = admin(harness)) {
          admin
              .createPartitions(Map.of(harness.lifecycle, NewPartitions.increaseTo(4)))
              .all()
              .get();
        }
        // Published at once, before jobwatch may know the new partitions: read from their start.
        try (KafkaProducer<byte[], byte[]> producer = producer(harness, "none", false)) {
          ids.add(send(producer, harness, 3, "job.finished", job, 2)); // the job's end, partition 3
          for (int partition = 1; partition < 4; partition++) {
            String other = keyOnPartition("new", 4, partition);
            ids.add(send(producer, harness, partition, "job.submitted", other, 3));
          }
        }
        harness.awaitStored(ids.toArray(String[]::new));
        Map<String, Object> row = harness.job(job);
        assertThat(row.get("state")).isEqualTo("failed");
        assertThat(row.get("exit_code")).isEqualTo(1);
        // Stored is not counted yet: the counters move after the COMMIT returned.
        harness.awaitCounted(app, ids.size());
        Scrape scrape = Scrape.metrics(app.httpPort());
        assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(ids.size());
        assertThat(scrape.events(harness.lifecycle, "duplicate")).isZero();
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        assertThat(
                harness.count(
                    "SELECT count(*) FROM consumer_offsets WHERE kafka_partition IN (1, 2, 3)"))
            .as("the new partitions' offsets are stored")
            .isEqualTo(3);
      }
    }
  }

  @Test
  @DisplayName(
      "A consumer kicked out of the group while its batch waits on the database: the partition's"
          + " next owner reads the same records, one write wins, nothing is applied twice")
  void consumerKickedOutMidBatchAppliesNothingTwice(Infra infra) throws Exception {
    try (Harness harness =
        new Harness(infra, 1, Map.of("JOBWATCH_KAFKA_MAX_POLL_INTERVAL_MS", "4000"))) {
      try (JobwatchApp first = harness.startApp()) {
        harness.awaitStored(submit(harness, "before", 1).toArray(String[]::new));
        try (JobwatchApp second = harness.startApp();
            Handle lock = harness.jdbi().open()) {
          Harness.await("the second consumer to be ready", WAIT, second::isReady);
          // The first consumer's next batch waits on the partition's stored offset, longer than
          // max.poll.interval.ms: it leaves the group and the second takes the partition.
          lock.begin();
          lock.createQuery("SELECT next_offset FROM consumer_offsets FOR UPDATE")
              .mapTo(Long.class)
              .list();
          List<String> ids = submit(harness, "blocked", 3);
          harness.flush();
          Harness.await(
              "the first consumer waiting on the offset, the second on the first's batch",
              WAIT,
              () -> waiting(harness, "consumer_offsets") && waiting(harness, "consumer_progress"));
          lock.commit();
          harness.awaitStored(ids.toArray(String[]::new));
          Harness.await(
              "the second consumer to have settled on the stored offset",
              WAIT,
              () -> storedNext(harness) == 4 && !waiting(harness, "consumer_"));
          // The winning batch is counted after its COMMIT returned, not when its rows show.
          Harness.await(
              "the four records counted over both instances",
              WAIT,
              () -> harness.counted(first) + harness.counted(second) >= 4);
          double applied = 0;
          double duplicates = 0;
          for (JobwatchApp app : List.of(first, second)) {
            Scrape scrape = Scrape.metrics(app.httpPort());
            applied += scrape.events(harness.lifecycle, "applied");
            duplicates += scrape.events(harness.lifecycle, "duplicate");
          }
          assertThat(applied).as("each event applied once over both instances").isEqualTo(4.0);
          assertThat(duplicates).isZero();
          assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(4);
          assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(4);
        }
      }
    }
  }

  @Test
  @DisplayName(
      "Tombstones, null keys, empty values and a record near the fetch size on both topics are"
          + " dead-lettered once each and the partitions move on")
  void oddRecordsOnBothTopics(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      byte[] huge = new byte[900_000];
      java.util.Arrays.fill(huge, (byte) 'x');
      for (String topic : List.of(harness.lifecycle, harness.errors)) {
        harness.send(topic, "key", (byte[]) null); // a tombstone
        harness.send(topic, null, (byte[]) null); // no key, no value
        harness.send(topic, "key", new byte[0]); // an empty value
        harness.send(topic, "key", huge); // near max.partition.fetch.bytes
      }
      // A valid event without a key: the key is part of the contract.
      harness.send(
          harness.lifecycle,
          null,
          Envelopes.event(
              UUID.randomUUID().toString(),
              "job.submitted",
              T0,
              Envelopes.json(Map.of("job_id", "keyless", "service", "blast"))));
      List<String> valid = new ArrayList<>(submit(harness, "after", 1));
      valid.add(
          harness.stageEvent(
              "stage.ok", T0, Map.of("service", "blast", "runner", "slurm", "stage", "submit")));
      harness.awaitStored(valid.toArray(String[]::new));
      Harness.await(
          "both topics consumed to their end",
          WAIT,
          () -> harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") == 11);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(9);
      // Stored is not counted yet: the counters move after the COMMIT returned.
      harness.awaitCounted(app, 11);
      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(scrape.events(harness.lifecycle, "dead_lettered")).isEqualTo(5.0);
      assertThat(scrape.events(harness.errors, "dead_lettered")).isEqualTo(4.0);
      assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(1.0);
      assertThat(scrape.events(harness.errors, "applied")).isEqualTo(1.0);
      assertThat(app.isReady()).isTrue();
    }
  }

  /** Whether a session of this test's database waits on a lock in a statement naming a table. */
  private static boolean waiting(Harness harness, String table) {
    Object waiting =
        harness
            .row(
                "SELECT count(*) AS waiting FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    + " AND query LIKE :p0",
                "%" + table + "%")
            .get("waiting");
    return ((Number) waiting).longValue() > 0;
  }

  /** A key the Java client's partitioner puts on {@code partition} of {@code partitions}. */
  private static String keyOnPartition(String prefix, int partitions, int partition) {
    for (int i = 0; ; i++) {
      String key = prefix + "-" + i;
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      if (Utils.toPositive(Utils.murmur2(bytes)) % partitions == partition) {
        return key;
      }
    }
  }

  private static Admin admin(Harness harness) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap()));
  }

  /** The offset the group committed to Kafka for a partition, -1 for none. */
  private static long kafkaCopy(Admin admin, String group, TopicPartition partition) {
    try {
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(partition);
      return committed == null ? -1 : committed.offset();
    } catch (ExecutionException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(
      Harness harness, String compression, boolean transactional) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    if (transactional) {
      properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
    }
    return new KafkaProducer<>(properties);
  }

  private static String send(
      KafkaProducer<byte[], byte[]> producer,
      Harness harness,
      String type,
      String job,
      int second) {
    return send(producer, harness, null, type, job, second);
  }

  private static String send(
      KafkaProducer<byte[], byte[]> producer,
      Harness harness,
      Integer partition,
      String type,
      String job,
      int second) {
    String id = UUID.randomUUID().toString();
    Map<String, Object> data =
        switch (type) {
          case "job.submitted" -> Map.of("job_id", job, "service", "blast");
          case "job.started" -> Map.of("job_id", job, "runner", "slurm", "attempt", 1);
          default -> Map.of("job_id", job, "attempt", 1, "exit_code", 1);
        };
    producer.send(
        new ProducerRecord<>(
            harness.lifecycle,
            partition,
            job.getBytes(StandardCharsets.UTF_8),
            Envelopes.event(id, type, T0.plusSeconds(second), Envelopes.json(data))
                .getBytes(StandardCharsets.UTF_8)));
    return id;
  }

  /** Deletes the lifecycle topic and creates it again, empty, with one partition. */
  private static void recreate(Harness harness) throws Exception {
    harness.closeProducer();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap()))) {
      admin.deleteTopics(List.of(harness.lifecycle)).all().get();
      Harness.await(
          "the topic to be created again",
          WAIT,
          () -> {
            try {
              admin
                  .createTopics(List.of(new NewTopic(harness.lifecycle, 1, (short) 1)))
                  .all()
                  .get();
              return true;
            } catch (ExecutionException | InterruptedException e) {
              return false;
            }
          });
      Harness.await(
          "the new topic to have a leader",
          WAIT,
          () -> {
            try {
              return admin
                  .describeTopics(List.of(harness.lifecycle))
                  .allTopicNames()
                  .get()
                  .get(harness.lifecycle)
                  .partitions()
                  .stream()
                  .allMatch(p -> p.leader() != null);
            } catch (ExecutionException | InterruptedException e) {
              return false;
            }
          });
    }
  }

  private static long storedNext(Harness harness) {
    Object next =
        harness
            .row(
                "SELECT coalesce(sum(next_offset), 0) AS next FROM consumer_offsets"
                    + " WHERE topic = :p0",
                harness.lifecycle)
            .get("next");
    return ((Number) next).longValue();
  }

  /** What retention does: moves the log start offset, deleting every record before it. */
  private static void deleteBefore(Harness harness, TopicPartition partition, long offset)
      throws InterruptedException, ExecutionException {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap()))) {
      admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(offset))).all().get();
    }
  }

  private static List<String> submit(Harness harness, String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          harness.lifecycleEvent(
              "job.submitted",
              T0.plusSeconds(i),
              Map.of("job_id", prefix + "-" + i, "service", "blast")));
    }
    return ids;
  }
}
