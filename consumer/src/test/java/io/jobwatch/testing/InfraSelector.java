package io.jobwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Chooses and starts the test servers: external ones named by {@code JOBWATCH_TEST_*}, else
 * embedded if {@code JOBWATCH_TEST_INFRA=embedded}, else Docker if an engine answers, else
 * embedded; stateless, thread-safe.
 */
final class InfraSelector {

  private static final Logger LOG = LoggerFactory.getLogger(InfraSelector.class);

  private InfraSelector() {}

  /** Starts the chosen kind and logs the choice. */
  static SharedInfra start() {
    long startNanos = System.nanoTime();
    SharedInfra infra = choose();
    LOG.info(
        "Test infrastructure: {} (Kafka at {}), ready in {} ms",
        infra.kind(),
        infra.kafkaBootstrap(),
        (System.nanoTime() - startNanos) / 1_000_000);
    return infra;
  }

  /**
   * Starts servers that tests can stop and start, whatever the shared choice: the embedded ones
   * (neither Docker containers, whose host ports change on restart, nor external servers can be).
   */
  static SharedInfra startControllable() {
    long startNanos = System.nanoTime();
    SharedInfra infra = EmbeddedInfra.start();
    LOG.info(
        "Fault-test infrastructure: {} (Kafka at {}), ready in {} ms",
        infra.kind(),
        infra.kafkaBootstrap(),
        (System.nanoTime() - startNanos) / 1_000_000);
    return infra;
  }

  private static SharedInfra choose() {
    String bootstrap = System.getenv("JOBWATCH_TEST_KAFKA_BOOTSTRAP");
    String dbUrl = System.getenv("JOBWATCH_TEST_DB_URL");
    if (isSet(bootstrap) && isSet(dbUrl)) {
      return new ExternalInfra(
          bootstrap,
          new Database(
              dbUrl,
              System.getenv("JOBWATCH_TEST_DB_USER"),
              System.getenv("JOBWATCH_TEST_DB_PASSWORD")));
    }
    String requested = System.getenv("JOBWATCH_TEST_INFRA");
    if (isSet(requested) && "embedded".equals(requested.toLowerCase(Locale.ROOT))) {
      return EmbeddedInfra.start();
    }
    if (dockerAnswers()) {
      return DockerInfra.start();
    }
    return EmbeddedInfra.start();
  }

  /**
   * Asks Testcontainers only when there is a hint of an engine, because its probe of every strategy
   * is slow and noisy when there is none.
   */
  private static boolean dockerAnswers() {
    boolean hinted =
        isSet(System.getenv("DOCKER_HOST"))
            || Files.exists(Path.of("/var/run/docker.sock"))
            || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))
            || Files.exists(
                Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    if (!hinted) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      LOG.info("No usable Docker engine ({}); using embedded servers", e.toString());
      return false;
    }
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
