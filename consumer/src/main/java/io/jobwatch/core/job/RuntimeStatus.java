package io.jobwatch.core.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running job reports about itself: the first error kept, later ones counted and listed up
 * to a bound, and the latest warning and activity by event time. Immutable and thread-safe.
 */
public record RuntimeStatus(
    String error,
    int additionalErrors,
    List<String> errorDetails,
    String warning,
    Instant warningAt,
    String activity,
    Instant activityAt,
    JobChange.Progress progress,
    Instant progressAt) {

  /** At most this many additional error messages are kept, so a chatty job cannot grow a row. */
  public static final int MAX_ERROR_DETAILS = 10;

  public static final RuntimeStatus EMPTY =
      new RuntimeStatus(null, 0, List.of(), null, null, null, null, null, null);

  public RuntimeStatus {
    errorDetails = List.copyOf(errorDetails);
  }

  /** The row text operators read, such as "disk full (3 additional errors)". */
  public String errorSummary() {
    if (error == null) {
      return null;
    }
    if (additionalErrors == 0) {
      return error;
    }
    return error
        + " ("
        + additionalErrors
        + " additional error"
        + (additionalErrors == 1 ? "" : "s")
        + ")";
  }

  /**
   * Folds one accepted status report into this status; events arrive in event-time order. An empty
   * or blank message is no message: publishers that always send the field (a Go struct without
   * {@code omitempty}, {@code jq --arg} of an unset variable) send {@code ""} for "none".
   */
  public RuntimeStatus with(JobChange.Status status, Instant time) {
    String reportedError = messageOrNull(status.error());
    String reportedWarning = messageOrNull(status.warning());
    String reportedActivity = messageOrNull(status.activity());
    String nextError = error;
    int nextAdditional = additionalErrors;
    List<String> nextDetails = errorDetails;
    if (reportedError != null) {
      if (error == null) {
        nextError = reportedError;
      } else {
        nextAdditional++;
        if (errorDetails.size() < MAX_ERROR_DETAILS) {
          List<String> grown = new ArrayList<>(errorDetails);
          grown.add(reportedError);
          nextDetails = grown;
        }
      }
    }
    return new RuntimeStatus(
        nextError,
        nextAdditional,
        nextDetails,
        reportedWarning != null ? reportedWarning : warning,
        reportedWarning != null ? time : warningAt,
        reportedActivity != null ? reportedActivity : activity,
        reportedActivity != null ? time : activityAt,
        status.progress() != null ? status.progress() : progress,
        status.progress() != null ? time : progressAt);
  }

  private static String messageOrNull(String message) {
    return message == null || message.isBlank() ? null : message;
  }
}
