package io.jobwatch.testing;

import java.util.concurrent.CompletableFuture;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka and PostgreSQL in Docker containers (Testcontainers); thread-safe. Stopping them is not
 * offered: a restarted container gets new host ports, so clients could not reconnect.
 */
final class DockerInfra implements SharedInfra {

  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  static final String POSTGRES_IMAGE = "postgres:17";

  private final KafkaContainer kafka;
  private final PostgreSQLContainer<?> postgres;

  private DockerInfra(KafkaContainer kafka, PostgreSQLContainer<?> postgres) {
    this.kafka = kafka;
    this.postgres = postgres;
  }

  /** Starts both containers side by side. */
  static DockerInfra start() {
    // As the embedded broker (and as production brokers should): a topic must be created first, so
    // a test of a mistyped topic (SpoolHeadOfLineIT) meets the same broker whatever the infra kind.
    KafkaContainer kafka =
        new KafkaContainer(KAFKA_IMAGE).withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    PostgreSQLContainer<?> postgres =
        new PostgreSQLContainer<>(POSTGRES_IMAGE)
            .withCommand(
                "postgres",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300");
    CompletableFuture.allOf(
            CompletableFuture.runAsync(kafka::start), CompletableFuture.runAsync(postgres::start))
        .join();
    return new DockerInfra(kafka, postgres);
  }

  @Override
  public String kafkaBootstrap() {
    return kafka.getBootstrapServers();
  }

  @Override
  public String newTopic(String prefix, int partitions) {
    String name = UniqueNames.next(prefix);
    KafkaTopics.create(kafkaBootstrap(), name, partitions);
    return name;
  }

  @Override
  public Database newDatabase() {
    Database admin =
        new Database(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
    return PostgresDatabases.create(admin, UniqueNames.next("test"));
  }

  @Override
  public boolean canControlDatabase() {
    return false;
  }

  @Override
  public void stopDatabase() {
    throw new UnsupportedOperationException("The database container cannot be restarted in place");
  }

  @Override
  public void startDatabase() {
    throw new UnsupportedOperationException("The database container cannot be restarted in place");
  }

  @Override
  public boolean canControlBroker() {
    return false;
  }

  @Override
  public void stopBroker() {
    throw new UnsupportedOperationException("The broker container cannot be restarted in place");
  }

  @Override
  public void startBroker() {
    throw new UnsupportedOperationException("The broker container cannot be restarted in place");
  }

  @Override
  public String kind() {
    return "docker";
  }

  @Override
  public void close() {
    try {
      kafka.stop();
    } finally {
      postgres.stop();
    }
  }
}
