package io.jobwatch.testing;

import io.jobwatch.embedded.EmbeddedDatabase;
import io.jobwatch.embedded.EmbeddedKafka;
import io.jobwatch.embedded.PostgresDurability;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Kafka and PostgreSQL running in (and under) this JVM, fully controllable; thread-safe. */
final class EmbeddedInfra implements SharedInfra {

  private final Path root;
  private final EmbeddedKafka kafka;
  private final EmbeddedDatabase database;

  private EmbeddedInfra(Path root, EmbeddedKafka kafka, EmbeddedDatabase database) {
    this.root = root;
    this.kafka = kafka;
    this.database = database;
  }

  /** Starts broker and database side by side in a fresh temporary directory. */
  static EmbeddedInfra start() {
    Path root = createRoot();
    CompletableFuture<EmbeddedDatabase> database =
        CompletableFuture.supplyAsync(
            () ->
                EmbeddedDatabase.start(
                    root.resolve("postgres"), PostgresDurability.UNSAFE_FOR_TESTS));
    EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"));
    return new EmbeddedInfra(root, kafka, database.join());
  }

  @Override
  public String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  @Override
  public String newTopic(String prefix, int partitions) {
    String name = UniqueNames.next(prefix);
    kafka.createTopic(name, partitions);
    return name;
  }

  @Override
  public Database newDatabase() {
    String name = database.createDatabase("test");
    return new Database(database.jdbcUrl(name), database.user(), database.password());
  }

  @Override
  public boolean canControlDatabase() {
    return true;
  }

  @Override
  public void stopDatabase() {
    database.stop();
  }

  @Override
  public void startDatabase() {
    database.restart();
  }

  @Override
  public boolean canControlBroker() {
    return true;
  }

  @Override
  public void stopBroker() {
    kafka.stop();
  }

  @Override
  public void startBroker() {
    kafka.restart();
  }

  @Override
  public String kind() {
    return "embedded";
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      database.close();
      root.toFile().delete();
    }
  }

  private static Path createRoot() {
    return io.jobwatch.embedded.ServerDirectories.createWorldSearchable("jobwatch-infra-");
  }
}
