package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.util.Set;

/**
 * Decides whether an error class means the service is malfunctioning ({@link Severity#ERROR}: an
 * operating-system, I/O or queuing-system failure) or that the publisher's own code is broken
 * ({@link Severity#FATAL}). Immutable and thread-safe.
 */
public final class ErrorClassifier {

  /**
   * Python's OSError family, a queuing-system command that returned non-zero, Java's IOException
   * family, and jobwatch's own {@code NotStarted} (exit code 126 or 127 after a successful submit).
   */
  public static final Set<String> DEFAULT_ERROR_CLASSES =
      Set.of(
          "OSError",
          "IOError",
          "EnvironmentError",
          "FileNotFoundError",
          "FileExistsError",
          "PermissionError",
          "IsADirectoryError",
          "NotADirectoryError",
          "ConnectionError",
          "ConnectionRefusedError",
          "ConnectionResetError",
          "ConnectionAbortedError",
          "BrokenPipeError",
          "ChildProcessError",
          "TimeoutError",
          "BlockingIOError",
          "InterruptedError",
          "ProcessLookupError",
          "CalledProcessError",
          "subprocess.CalledProcessError",
          "SubprocessError",
          "java.io.IOException",
          "java.io.FileNotFoundException",
          "java.io.UncheckedIOException",
          "java.net.ConnectException",
          "java.net.SocketException",
          "java.net.SocketTimeoutException",
          "java.net.UnknownHostException",
          "java.nio.file.NoSuchFileException",
          "java.nio.file.AccessDeniedException",
          "IOException",
          "NotStarted");

  private final Set<String> errorClasses;

  public ErrorClassifier(Set<String> errorClasses) {
    this.errorClasses = Set.copyOf(errorClasses);
  }

  public static ErrorClassifier defaults() {
    return new ErrorClassifier(DEFAULT_ERROR_CLASSES);
  }

  /**
   * The severity of one error: {@link Severity#ERROR} for the configured family (matched on the
   * full name or on the simple name after the last dot), {@link Severity#FATAL} otherwise.
   */
  public Severity classify(String errorClass) {
    if (errorClass == null) {
      return Severity.FATAL;
    }
    if (errorClasses.contains(errorClass)) {
      return Severity.ERROR;
    }
    String simpleName = errorClass.substring(errorClass.lastIndexOf('.') + 1);
    return errorClasses.contains(simpleName) ? Severity.ERROR : Severity.FATAL;
  }
}
