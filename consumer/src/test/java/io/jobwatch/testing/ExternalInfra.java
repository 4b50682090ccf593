package io.jobwatch.testing;

/**
 * Servers someone else runs, named by {@code JOBWATCH_TEST_*} environment variables; they cannot be
 * stopped from here; thread-safe.
 */
final class ExternalInfra implements SharedInfra {

  private final String kafkaBootstrap;
  private final Database admin;

  ExternalInfra(String kafkaBootstrap, Database admin) {
    this.kafkaBootstrap = kafkaBootstrap;
    this.admin = admin;
  }

  @Override
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  @Override
  public String newTopic(String prefix, int partitions) {
    String name = UniqueNames.next(prefix);
    KafkaTopics.create(kafkaBootstrap, name, partitions);
    return name;
  }

  @Override
  public Database newDatabase() {
    return PostgresDatabases.create(admin, UniqueNames.next("test"));
  }

  @Override
  public boolean canControlDatabase() {
    return false;
  }

  @Override
  public void stopDatabase() {
    throw new UnsupportedOperationException("External database servers cannot be stopped");
  }

  @Override
  public void startDatabase() {
    throw new UnsupportedOperationException("External database servers cannot be started");
  }

  @Override
  public boolean canControlBroker() {
    return false;
  }

  @Override
  public void stopBroker() {
    throw new UnsupportedOperationException("External brokers cannot be stopped");
  }

  @Override
  public void startBroker() {
    throw new UnsupportedOperationException("External brokers cannot be started");
  }

  @Override
  public String kind() {
    return "external";
  }

  @Override
  public void close() {
    // Not ours to stop; the unique topics and databases stay for inspection.
  }
}
