package io.jobwatch.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The naive consumer: one auto-committed transaction and one UPSERT per event into a jobs-like
 * table (latest state of a job by event time) or a stage table; Kafka offsets auto-committed.
 * Thread-safe as {@link LoopContender}.
 */
final class NaiveContender extends LoopContender {
  static final String TABLE = "naive_jobs";
  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS naive_jobs (
        job_id text PRIMARY KEY, service text, state text NOT NULL, last_type text NOT NULL,
        event_time timestamptz NOT NULL, event jsonb NOT NULL);
      CREATE TABLE IF NOT EXISTS naive_stages (
        service text, runner text, stage text, last_type text NOT NULL,
        event_time timestamptz NOT NULL, event jsonb NOT NULL,
        PRIMARY KEY (service, runner, stage));
      """;
  private static final String UPSERT_JOB =
      """
      INSERT INTO naive_jobs AS j VALUES (?, ?, ?, ?, ?, ?::jsonb)
      ON CONFLICT (job_id) DO UPDATE SET service = COALESCE(EXCLUDED.service, j.service),
        state = EXCLUDED.state, last_type = EXCLUDED.last_type,
        event_time = EXCLUDED.event_time, event = EXCLUDED.event
      WHERE j.event_time <= EXCLUDED.event_time
      """;
  private static final String UPSERT_STAGE =
      """
      INSERT INTO naive_stages AS s VALUES (?, ?, ?, ?, ?, ?::jsonb)
      ON CONFLICT (service, runner, stage) DO UPDATE SET last_type = EXCLUDED.last_type,
        event_time = EXCLUDED.event_time, event = EXCLUDED.event
      WHERE s.event_time <= EXCLUDED.event_time
      """;
  private static final Map<String, String> STATES =
      Map.of(
          "job.submitted", "submitted",
          "job.queued", "queued",
          "job.waiting", "waiting",
          "job.started", "running",
          "job.status", "running",
          "job.requeued", "queued",
          "job.crashed", "crashed",
          "job.cancelled", "cancelled");
  private Connection connection;
  private PreparedStatement upsertJob;
  private PreparedStatement upsertStage;

  @Override
  protected void open(ChildConfig config) {
    try {
      connection =
          DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
      try (Statement statement = connection.createStatement()) {
        statement.execute(SCHEMA);
      }
      connection.setAutoCommit(true);
      upsertJob = connection.prepareStatement(UPSERT_JOB);
      upsertStage = connection.prepareStatement(UPSERT_STAGE);
    } catch (SQLException e) {
      throw new IllegalStateException("naive contender: cannot open " + config.dbUrl(), e);
    }
  }

  @Override
  protected boolean autoCommit() {
    return true;
  }

  @Override
  protected void apply(
      KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
    try {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        EventFields event = EventFields.parse(record.value());
        if (event != null) {
          write(event);
        }
        latency.record(System.currentTimeMillis() - record.timestamp());
        handled.incrementAndGet();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("naive contender: upsert failed", e);
    }
  }

  private void write(EventFields event) throws SQLException {
    if (event.type().startsWith("job.") && event.jobId() != null) {
      upsertJob.setString(1, event.jobId());
      upsertJob.setString(2, event.text("service"));
      upsertJob.setString(3, state(event));
      upsertJob.setString(4, event.type());
      upsertJob.setTimestamp(5, Timestamp.from(event.time()));
      upsertJob.setString(6, event.json());
      upsertJob.executeUpdate();
    } else if (event.type().startsWith("stage.") && event.text("stage") != null) {
      upsertStage.setString(1, event.text("service"));
      upsertStage.setString(2, event.text("runner"));
      upsertStage.setString(3, event.text("stage"));
      upsertStage.setString(4, event.type());
      upsertStage.setTimestamp(5, Timestamp.from(event.time()));
      upsertStage.setString(6, event.json());
      upsertStage.executeUpdate();
    }
  }

  private static String state(EventFields event) {
    if (event.type().equals("job.finished")) {
      int exit = event.data().path("exit_code").asInt();
      return exit == 0
          ? "succeeded"
          : exit == 126 || exit == 127 || exit > 128 ? "crashed" : "failed";
    }
    return STATES.getOrDefault(event.type(), "submitted");
  }

  @Override
  protected void closeTarget() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("naive contender: close failed", e);
    }
  }
}
