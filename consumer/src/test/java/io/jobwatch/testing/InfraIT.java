package io.jobwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithInfra
class InfraIT {

  private final Infra infra;

  InfraIT(Infra infra) {
    this.infra = infra;
  }

  @Test
  @DisplayName("A record produced to a new topic is consumed with its key, value and partition")
  void producedRecordIsConsumed() throws Exception {
    String topic = infra.newTopic("infra-it", 2);

    RecordMetadata written;
    try (KafkaProducer<String, String> producer = producer(Duration.ofSeconds(30))) {
      written =
          producer.send(new ProducerRecord<>(topic, "job-1", "{\"type\":\"job.started\"}")).get();
    }
    List<ConsumerRecord<String, String>> read = consume(infra, topic, 1);

    assertThat(infra.kind()).isIn("embedded", "docker", "external");
    assertThat(read).hasSize(1);
    assertThat(read.get(0).key()).isEqualTo("job-1");
    assertThat(read.get(0).value()).isEqualTo("{\"type\":\"job.started\"}");
    assertThat(read.get(0).partition()).isEqualTo(written.partition());
    assertThat(read.get(0).offset()).isZero();
  }

  @Test
  @DisplayName("Two new databases are empty, separate, and each keeps its own rows")
  void newDatabasesAreSeparate() throws SQLException {
    Database first = infra.newDatabase();
    Database second = infra.newDatabase();

    execute(
        first, "CREATE TABLE note (text varchar NOT NULL)", "INSERT INTO note VALUES ('first')");
    execute(
        second, "CREATE TABLE note (text varchar NOT NULL)", "INSERT INTO note VALUES ('second')");

    assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());
    assertThat(queryStrings(first, "SELECT text FROM note")).containsExactly("first");
    assertThat(queryStrings(second, "SELECT text FROM note")).containsExactly("second");
    assertThat(queryStrings(first, "SELECT current_database()"))
        .doesNotContainAnyElementsOf(queryStrings(second, "SELECT current_database()"));
  }

  @FaultTest
  @Test
  @DisplayName("While the database is stopped connections fail; after restart the data is back")
  void databaseSurvivesRestart(Infra controllable) throws SQLException {
    Database database = controllable.newDatabase();
    execute(
        database,
        "CREATE TABLE survivor (id int PRIMARY KEY, name varchar NOT NULL)",
        "INSERT INTO survivor VALUES (42, 'kept')");

    controllable.stopDatabase();
    try {
      assertThatThrownBy(() -> queryStrings(database, "SELECT 1"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("refused");
    } finally {
      controllable.startDatabase();
    }

    assertThat(queryStrings(database, "SELECT id || ':' || name FROM survivor"))
        .containsExactly("42:kept");
  }

  @FaultTest
  @Test
  @DisplayName(
      "While the broker is stopped produce fails; after restart old and new records are read")
  void brokerSurvivesRestart(Infra controllable) throws Exception {
    String topic = controllable.newTopic("infra-restart", 1);
    try (KafkaProducer<String, String> producer = producer(controllable, Duration.ofSeconds(30))) {
      producer.send(new ProducerRecord<>(topic, "job-1", "before")).get();
    }

    controllable.stopBroker();
    try (KafkaProducer<String, String> producer = producer(controllable, Duration.ofSeconds(2))) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(topic, "job-1", "lost"))
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOfAny(ExecutionException.class, KafkaException.class);
    } finally {
      controllable.startBroker();
    }

    RecordMetadata after;
    try (KafkaProducer<String, String> producer = producer(controllable, Duration.ofSeconds(30))) {
      after = producer.send(new ProducerRecord<>(topic, "job-1", "after")).get();
    }
    assertThat(after.offset()).isEqualTo(1);
    assertThat(consume(controllable, topic, 2))
        .extracting(ConsumerRecord::value)
        .containsExactly("before", "after");
  }

  private KafkaProducer<String, String> producer(Duration maxBlock) {
    return producer(infra, maxBlock);
  }

  private static KafkaProducer<String, String> producer(Infra infra, Duration maxBlock) {
    int maxBlockMillis = (int) maxBlock.toMillis();
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infra.kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            maxBlockMillis,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            maxBlockMillis,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            maxBlockMillis + 1000),
        new StringSerializer(),
        new StringSerializer());
  }

  private static List<ConsumerRecord<String, String>> consume(
      Infra infra, String topic, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infra.kafkaBootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "infra-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static void execute(Database database, String... statements) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static List<String> queryStrings(Database database, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private static Connection connect(Database database) throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
  }
}
