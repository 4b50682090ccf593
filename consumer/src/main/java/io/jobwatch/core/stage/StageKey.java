package io.jobwatch.core.stage;

import java.util.Objects;

/** Identifies one stage health record: (service, runner, stage). */
public record StageKey(String service, String runner, String stage)
    implements Comparable<StageKey> {
  public StageKey {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(stage, "stage");
  }

  @Override
  public int compareTo(StageKey other) {
    int byService = service.compareTo(other.service);
    if (byService != 0) {
      return byService;
    }
    int byRunner = runner.compareTo(other.runner);
    return byRunner != 0 ? byRunner : stage.compareTo(other.stage);
  }
}
