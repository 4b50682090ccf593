package io.jobwatch;

/** The one unchecked exception root of jobwatch; the message says what failed. */
public class JobwatchException extends RuntimeException {
  public JobwatchException(String message) {
    super(message);
  }

  public JobwatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
