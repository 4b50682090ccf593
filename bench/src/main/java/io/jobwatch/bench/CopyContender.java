package io.jobwatch.bench;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The write ceiling: per poll, COPY the events as rows (event_id, job_id, type, time, jsonb) into a
 * session temp table, move them into a table keyed by event_id (duplicates dropped), commit, then
 * commit the offsets to Kafka. No validation, no fold. Thread-safe as {@link LoopContender}.
 */
final class CopyContender extends LoopContender {
  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS copy_events (
        event_id text PRIMARY KEY, job_id text, type text NOT NULL,
        event_time timestamptz NOT NULL, event jsonb NOT NULL);
      CREATE TEMP TABLE copy_batch (
        event_id text, job_id text, type text, event_time timestamptz, event jsonb)
        ON COMMIT DELETE ROWS;
      """;
  private static final String COPY =
      "COPY copy_batch (event_id, job_id, type, event_time, event) FROM STDIN";
  private static final String MOVE =
      """
      INSERT INTO copy_events SELECT DISTINCT ON (event_id) * FROM copy_batch
      ON CONFLICT (event_id) DO NOTHING
      """;
  private Connection connection;
  private CopyManager copy;

  @Override
  protected void open(ChildConfig config) {
    try {
      connection =
          DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute(SCHEMA);
      }
      connection.commit();
      copy = connection.unwrap(PGConnection.class).getCopyAPI();
    } catch (SQLException e) {
      throw new IllegalStateException("copy contender: cannot open " + config.dbUrl(), e);
    }
  }

  @Override
  protected boolean autoCommit() {
    return false;
  }

  @Override
  protected void apply(
      KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
    StringBuilder rows = new StringBuilder(records.count() * 600);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      EventFields event = EventFields.parse(record.value());
      if (event != null) {
        field(rows, event.id()).append('\t');
        field(rows, event.jobId()).append('\t');
        field(rows, event.type()).append('\t');
        rows.append(event.time()).append('\t');
        field(rows, event.json()).append('\n');
      }
    }
    try (Statement statement = connection.createStatement()) {
      copy.copyIn(COPY, new StringReader(rows.toString()));
      statement.executeUpdate(MOVE);
      connection.commit();
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("copy contender: batch failed", e);
    }
    consumer.commitSync(Duration.ofSeconds(10));
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      latency.record(now - record.timestamp());
    }
    handled.addAndGet(records.count());
  }

  /** Appends a value in COPY's text format: backslash escapes, \N for null. */
  private static StringBuilder field(StringBuilder out, String value) {
    if (value == null) {
      return out.append("\\N");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out;
  }

  @Override
  protected void closeTarget() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("copy contender: close failed", e);
    }
  }
}
