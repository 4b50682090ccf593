package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Node.js packages NodePublishersIT runs the snippets with: exact versions, and a lock file
 * whose every package comes from registry.npmjs.org with an integrity hash, so that {@code npm ci}
 * on a fresh clone installs exactly what the tests ran against.
 */
class NodePackageLockTest {
  private static final Path NODE = Path.of("src", "test", "node");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("package.json pins kafkajs 2.2.x and cloudevents to exact versions")
  void dependenciesArePinnedExactly() throws IOException {
    JsonNode dependencies =
        JSON.readTree(NODE.resolve("package.json").toFile()).get("dependencies");

    assertThat(dependencies.get("kafkajs").asText()).matches("2\\.2\\.\\d+");
    assertThat(dependencies.get("cloudevents").asText()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(dependencies.size()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "Every locked package is downloaded from registry.npmjs.org and has an integrity hash")
  void everyLockedPackageComesFromTheNpmRegistry() throws IOException {
    JsonNode packages = JSON.readTree(NODE.resolve("package-lock.json").toFile()).get("packages");
    List<String> wrong = new ArrayList<>();
    int locked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = packages.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().isEmpty()) {
        continue; // the project itself
      }
      locked++;
      String resolved = entry.getValue().path("resolved").asText("");
      if (!resolved.startsWith("https://registry.npmjs.org/")
          || !entry.getValue().path("integrity").asText("").startsWith("sha512-")) {
        wrong.add(entry.getKey() + " " + resolved);
      }
    }

    assertThat(locked).isGreaterThan(2);
    assertThat(wrong)
        .as(
            "packages without a registry.npmjs.org address (regenerate the lock with npm install"
                + " --prefix consumer/src/test/node --omit-lockfile-registry-resolved=false)")
        .isEmpty();
  }
}
