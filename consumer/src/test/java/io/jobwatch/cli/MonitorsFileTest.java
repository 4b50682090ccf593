package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorsFileTest {
  @TempDir Path folder;

  private Path file(String yaml) throws IOException {
    return Files.writeString(folder.resolve("monitors.yaml"), yaml);
  }

  @Test
  @DisplayName("owner: ~ in the file is no owner, so --owner sets it (null is the same as absent)")
  void nullOwnerIsAbsent() throws IOException {
    Path file =
        file(
            "monitors:\n"
                + "  - monitor: nightly-backup\n"
                + "    team: data-platform\n"
                + "    schedule: {every: PT1H}\n"
                + "    grace: PT5M\n"
                + "    owner: ~\n");

    Map<String, ObjectNode> declarations = MonitorsFile.read(file, "ops-cron");

    assertThat(declarations.get("nightly-backup").get("owner").asText()).isEqualTo("ops-cron");
  }

  @Test
  @DisplayName("Another owner in the file still disagrees with --owner")
  void otherOwnerIsRefused() throws IOException {
    Path file =
        file(
            "monitors:\n"
                + "  - monitor: nightly-backup\n"
                + "    team: data-platform\n"
                + "    schedule: {every: PT1H}\n"
                + "    grace: PT5M\n"
                + "    owner: someone-else\n");

    assertThatThrownBy(() -> MonitorsFile.read(file, "ops-cron"))
        .isInstanceOf(MonitorsFile.Unreadable.class)
        .hasMessageContaining("says owner");
  }
}
