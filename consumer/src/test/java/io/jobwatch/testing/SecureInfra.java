package io.jobwatch.testing;

import io.jobwatch.embedded.Directories;
import io.jobwatch.embedded.EmbeddedDatabase;
import io.jobwatch.embedded.EmbeddedKafka;
import io.jobwatch.embedded.KafkaSaslSsl;
import io.jobwatch.embedded.PostgresDurability;
import io.jobwatch.embedded.PostgresTls;
import io.jobwatch.embedded.ServerDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A broker with a SASL_SSL (SCRAM-SHA-512) listener and a PostgreSQL server that takes TCP only
 * over TLS, both with certificates made for this instance by {@link TestCertificates}. Not shared
 * like {@link Infra}: a test of secure transport starts its own and closes it. The broker also has
 * a PLAINTEXT listener, for the test's own admin and producer only. Thread-safe.
 */
public final class SecureInfra implements AutoCloseable {
  private final Path root;
  private final TestCertificates certificates;
  private final TestCertificates untrusted;
  private final KafkaSaslSsl saslSsl;
  private final EmbeddedKafka kafka;
  private final EmbeddedDatabase database;

  private SecureInfra(
      Path root,
      TestCertificates certificates,
      TestCertificates untrusted,
      KafkaSaslSsl saslSsl,
      EmbeddedKafka kafka,
      EmbeddedDatabase database) {
    this.root = root;
    this.certificates = certificates;
    this.untrusted = untrusted;
    this.saslSsl = saslSsl;
    this.kafka = kafka;
    this.database = database;
  }

  /** Makes the certificates and starts both servers in a fresh temporary directory. */
  public static SecureInfra start() {
    Path root = ServerDirectories.createWorldSearchable("jobwatch-secure-");
    TestCertificates certificates = TestCertificates.create(root.resolve("tls"), "jobwatch");
    TestCertificates untrusted = TestCertificates.create(root.resolve("untrusted"), "impostor");
    CompletableFuture<EmbeddedDatabase> database =
        CompletableFuture.supplyAsync(
            () ->
                EmbeddedDatabase.startWithTls(
                    root.resolve("postgres"),
                    PostgresDurability.UNSAFE_FOR_TESTS,
                    new PostgresTls(
                        certificates.serverCertificatePem(), certificates.serverKeyPem())));
    KafkaSaslSsl saslSsl =
        new KafkaSaslSsl(
            certificates.serverCertificatePem(),
            certificates.serverKeyPem(),
            "jobwatch-consumer",
            secret());
    EmbeddedKafka kafka = EmbeddedKafka.startWithSaslSsl(root.resolve("kafka"), saslSsl);
    try {
      return new SecureInfra(root, certificates, untrusted, saslSsl, kafka, database.join());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** A password nobody guesses, in the characters every config syntax accepts unquoted. */
  public static String secret() {
    return "s" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The PLAINTEXT listener: for the test's own admin client and producer, not for the consumer. */
  public String kafkaPlaintextBootstrap() {
    return kafka.bootstrapServers();
  }

  /** The SASL_SSL listener. */
  public String kafkaSaslSslBootstrap() {
    return kafka.saslSslBootstrapServers();
  }

  public String scramUser() {
    return saslSsl.scramUser();
  }

  public String scramPassword() {
    return saslSsl.scramPassword();
  }

  /** The CA that signed both servers' certificate (PEM file). */
  public Path caCertificate() {
    return certificates.caCertificate();
  }

  /** Another CA, which signed neither server's certificate: clients trusting it must refuse. */
  public Path untrustedCaCertificate() {
    return untrusted.caCertificate();
  }

  /** Creates a topic named {@code prefix} plus a unique suffix. */
  public String newTopic(String prefix, int partitions) {
    String name = UniqueNames.next(prefix);
    kafka.createTopic(name, partitions);
    return name;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/name}, without TLS parameters. */
  public String jdbcUrl(String databaseName) {
    return database.jdbcUrl(databaseName);
  }

  /**
   * Creates a login role with {@code password} and a fresh database it owns (not a superuser, as in
   * production); the operators' role exists beforehand, as a DBA would create it.
   */
  public Database newDatabase(String role, String password) {
    String name = database.createDatabase("secure");
    try (Connection connection =
            DriverManager.getConnection(
                database.jdbcUrl("postgres"), database.user(), database.password());
        Statement statement = connection.createStatement()) {
      // Identifiers and CREATE ROLE's password cannot be bind parameters; the test picks them.
      statement.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jobwatch_operator')"
              + " THEN CREATE ROLE jobwatch_operator NOLOGIN; END IF; END $$");
      statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
      statement.execute("ALTER DATABASE " + name + " OWNER TO " + role);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create role " + role + " and its database", e);
    }
    return new Database(database.jdbcUrl(name), role, password);
  }

  /** The superuser's view of a database (over TLS, as the server demands, without verification). */
  public Database superuser(Database of) {
    return new Database(of.jdbcUrl(), database.user(), database.password());
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      try {
        database.close();
      } finally {
        try {
          Directories.deleteRecursively(root);
        } catch (IOException e) {
          throw new UncheckedIOException("Could not delete " + root, e);
        }
      }
    }
  }
}
