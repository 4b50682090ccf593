package io.jobwatch.testing;

/**
 * A real Kafka broker and a real PostgreSQL server shared by all tests of this JVM; thread-safe.
 * Tests get their own topics and databases from it, so they never see each other's data.
 */
public interface Infra {

  /** Bootstrap servers of the broker, for producers, consumers and admin clients. */
  String kafkaBootstrap();

  /** Creates a topic named {@code prefix} plus a unique suffix, ready to produce to; returns it. */
  String newTopic(String prefix, int partitions);

  /** Creates a fresh, empty database on the shared server. */
  Database newDatabase();

  /** Whether {@link #stopDatabase()} and {@link #startDatabase()} work on this kind of infra. */
  boolean canControlDatabase();

  /** Stops the database server; connections fail until {@link #startDatabase()}. */
  void stopDatabase();

  /** Starts the database server again, same address, same data. */
  void startDatabase();

  /** Whether {@link #stopBroker()} and {@link #startBroker()} work on this kind of infra. */
  boolean canControlBroker();

  /** Stops the broker; clients cannot reach it until {@link #startBroker()}. */
  void stopBroker();

  /** Starts the broker again, same address, same logs. */
  void startBroker();

  /** {@code embedded}, {@code docker} or {@code external}. */
  String kind();
}
