package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The URL's password= never reaches the log, whatever characters it holds. */
@WithInfra
class DatabaseUrlSecretsIT {

  @Test
  @DisplayName(
      "consume with a password= holding # and ; and an sslpassword= in JOBWATCH_DB_URL logs no part"
          + " of either, at DEBUG either (pgjdbc reads a query value up to the next &)")
  void noPartOfAUrlPasswordIsLogged(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      String head = "Hd" + UUID.randomUUID().toString().substring(0, 8);
      String middle = "Md" + UUID.randomUUID().toString().substring(0, 8);
      String tail = "Tl" + UUID.randomUUID().toString().substring(0, 8);
      String sslSecret = "Ssl" + UUID.randomUUID().toString().substring(0, 8);
      String url =
          harness.database.jdbcUrl()
              + "?ApplicationName=x&password="
              + head
              + "#"
              + middle
              + ";"
              + tail
              + "&sslpassword="
              + sslSecret
              + "&connectTimeout=10";
      try (ConsumerProcess consume =
          ConsumerProcess.start(
              harness, Map.of("JOBWATCH_DB_URL", url, "JOBWATCH_LOG_LEVEL", "DEBUG"))) {
        Harness.await(
            "consume to start",
            Duration.ofSeconds(90),
            () -> consume.output().contains("consuming ") || !consume.isAlive());
        consume.terminate();
        String output = consume.output();

        assertThat(output).as("started").contains("consuming ", "password=***");
        assertThat(output).doesNotContain(head, middle, tail, sslSecret);
      }
    }
  }
}
