package io.jobwatch.embedded;

/** An embedded broker or database failed to start, stop or answer; immutable, thread-safe. */
public class EmbeddedServerException extends RuntimeException {

  public EmbeddedServerException(String message, Throwable cause) {
    super(message, cause);
  }

  public EmbeddedServerException(String message) {
    super(message);
  }
}
