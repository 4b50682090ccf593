package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** `jobwatch consume` ends with exit 1 when its consumer stops on an error, not 0. */
@WithInfra
class ConsumeExitIT {

  @Test
  @DisplayName(
      "A Kafka client setting the client refuses stops the consumer: consume exits 1, it does not"
          + " report success")
  void consumerThatDiesIsAFailure(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      Map<String, String> env = harness.cliEnvironment();
      env.put("JOBWATCH_HTTP_PORT", "0");
      env.put("JOBWATCH_GROUP_ID", harness.group);
      env.put("JOBWATCH_KAFKA_SECURITY_PROTOCOL", "BOGUS");

      Harness.CliRun run =
          assertTimeoutPreemptively(Duration.ofSeconds(120), () -> Harness.cli(env, "consume"));

      assertThat(run.code()).isEqualTo(1);
    }
  }
}
