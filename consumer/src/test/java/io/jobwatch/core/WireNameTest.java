package io.jobwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.monitor.MonitorStatus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireNameTest {

  /** The spellings the brief and docs/operators.md give for table columns and metric labels. */
  @Test
  void spellingsAreTheDocumentedOnes() {
    assertEquals(
        List.of("platform", "task", "third_party", "unknown"),
        Arrays.stream(Blame.values()).map(Blame::wireName).toList());
    assertEquals(
        List.of("new", "up", "late", "down", "overrun", "too_often", "paused", "retired"),
        Arrays.stream(MonitorStatus.values()).map(MonitorStatus::wireName).toList());
    assertEquals(
        List.of(
            "submitted",
            "queued",
            "waiting",
            "running",
            "succeeded",
            "failed",
            "crashed",
            "cancelled"),
        Arrays.stream(JobState.values()).map(JobState::wireName).toList());
    assertEquals(
        List.of("ok", "warning", "error", "fatal"),
        Arrays.stream(Severity.values()).map(Severity::wireName).toList());
  }

  @Test
  void parsingIsTheInverseInAnyCase() {
    assertEquals(Blame.THIRD_PARTY, Blame.fromWireName("third_party"));
    assertEquals(Blame.THIRD_PARTY, Blame.fromWireName("THIRD_PARTY"));
    assertEquals(MonitorStatus.TOO_OFTEN, MonitorStatus.fromWireName("too_often"));
    assertEquals(JobState.CANCELLED, JobState.fromWireName("Cancelled"));
    assertEquals(Severity.FATAL, Severity.fromWireName("fatal"));
  }

  @Test
  void aMissingBlameIsUnknownButAMissingStateIsAnError() {
    assertEquals(Blame.UNKNOWN, Blame.fromWireName(null));
    assertThrows(IllegalArgumentException.class, () -> JobState.fromWireName(null));
  }

  @Test
  void anUnknownNameIsRefusedNamingTheAcceptedOnes() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> Severity.fromWireName("critical"));
    assertTrue(refused.getMessage().contains("'critical'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("ok, warning, error, fatal"), refused.getMessage());
  }
}
