package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;

/** What a stage report says: the stage failed, or it worked. */
public sealed interface StageReport {
  String type();

  /** {@code stage.error}; {@code severity} is null unless the publisher set one explicitly. */
  record Error(String errorClass, String message, String jobId, Severity severity)
      implements StageReport {
    @Override
    public String type() {
      return "stage.error";
    }
  }

  /** {@code stage.ok}. */
  record Ok() implements StageReport {
    @Override
    public String type() {
      return "stage.ok";
    }
  }
}
