package io.jobwatch.core.job;

/**
 * What a process exit code says about a run, following the shell's conventions. The whole rule is
 * {@link #classify}; docs/operators.md has the same table. Stateless and thread-safe.
 *
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><th>code</th><th>state</th><th>blame</th><th>cause</th></tr>
 *   <tr><td>0</td><td>succeeded</td><td></td><td></td></tr>
 *   <tr><td>126, 127</td><td>crashed</td><td>platform</td><td>not_started</td></tr>
 *   <tr><td>129 to 192 (128 + signal 1 to 64)</td><td>crashed</td><td>unknown</td>
 *       <td>signal_N</td></tr>
 *   <tr><td>-1 to -64 (-signal, Python's {@code returncode} for a child killed by a signal)</td>
 *       <td>crashed</td><td>unknown</td><td>signal_N</td></tr>
 *   <tr><td>any other (1 to 125, 128, 193 to 255, below -64, above 255)</td><td>failed</td>
 *       <td></td><td></td></tr>
 * </table>
 */
public final class ExitCodes {
  /** The command was found but could not be executed. */
  public static final int NOT_EXECUTABLE = 126;

  /** The command was not found. */
  public static final int NOT_FOUND = 127;

  /**
   * The cause of a job that never really started: exit 126/127, or a {@code job.crashed} that says
   * so with blame platform.
   */
  public static final String NOT_STARTED = "not_started";

  private static final int SIGNAL_BASE = 128;

  /** The highest signal number a shell reports as 128 + n (Linux real-time signals end at 64). */
  private static final int MAX_SIGNAL = 64;

  /**
   * How an attempt ends for one exit code.
   *
   * @param blame null unless the code means a crash
   * @param cause null unless the code means a crash
   */
  public record Verdict(JobState state, Blame blame, String cause) {}

  private ExitCodes() {}

  /** The row of the exit-code table for {@code exitCode}. */
  public static Verdict classify(int exitCode) {
    if (exitCode == 0) {
      return new Verdict(JobState.SUCCEEDED, null, null);
    }
    if (neverStarted(exitCode)) {
      return new Verdict(JobState.CRASHED, Blame.PLATFORM, NOT_STARTED);
    }
    int signal = killedBySignal(exitCode);
    if (signal > 0) {
      return new Verdict(JobState.CRASHED, Blame.UNKNOWN, "signal_" + signal);
    }
    return new Verdict(JobState.FAILED, null, null);
  }

  /** 126 and 127 mean the job never really started, although submission reported success. */
  public static boolean neverStarted(int exitCode) {
    return exitCode == NOT_EXECUTABLE || exitCode == NOT_FOUND;
  }

  /**
   * The signal that killed the process, or 0 when it was not a signal: 128 + n as a shell reports
   * it, or -n as Python's {@code subprocess} does (n 1 to 64).
   */
  public static int killedBySignal(int exitCode) {
    int signal = exitCode < 0 ? -exitCode : exitCode - SIGNAL_BASE;
    return signal >= 1 && signal <= MAX_SIGNAL ? signal : 0;
  }
}
