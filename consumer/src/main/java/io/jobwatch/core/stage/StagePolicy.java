package io.jobwatch.core.stage;

/**
 * How stage observations turn into a severity. Immutable and thread-safe.
 *
 * @param errorThreshold consecutive errors of the error family needed before a stage shows {@code
 *     error}; fewer show {@code warning}
 * @param recoveryThreshold consecutive successes that bring a stage back to {@code ok}
 * @param window how many of the latest observations (by event time) a stage keeps to decide its
 *     severity, so that late or re-ordered reports within the window give the same result
 */
public record StagePolicy(
    int errorThreshold, int recoveryThreshold, int window, ErrorClassifier classifier) {

  public static final int DEFAULT_ERROR_THRESHOLD = 3;
  public static final int DEFAULT_RECOVERY_THRESHOLD = 1;
  public static final int DEFAULT_WINDOW = 32;

  public StagePolicy {
    if (errorThreshold < 1 || recoveryThreshold < 1) {
      throw new IllegalArgumentException("stage thresholds must be at least 1");
    }
    if (window < Math.max(errorThreshold, recoveryThreshold) + 1) {
      throw new IllegalArgumentException("the stage window must exceed both thresholds");
    }
  }

  public static StagePolicy defaults() {
    return new StagePolicy(
        DEFAULT_ERROR_THRESHOLD,
        DEFAULT_RECOVERY_THRESHOLD,
        DEFAULT_WINDOW,
        ErrorClassifier.defaults());
  }
}
