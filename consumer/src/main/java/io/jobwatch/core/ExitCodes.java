package io.jobwatch.core;

/** What a process exit code says about a run, following the shell's conventions. */
public final class ExitCodes {
  /** The command was found but could not be executed. */
  public static final int NOT_EXECUTABLE = 126;

  /** The command was not found. */
  public static final int NOT_FOUND = 127;

  private static final int SIGNAL_BASE = 128;

  private ExitCodes() {}

  /** 126 and 127 mean the job never really started, although submission reported success. */
  public static boolean neverStarted(int exitCode) {
    return exitCode == NOT_EXECUTABLE || exitCode == NOT_FOUND;
  }

  /** The signal that killed the process (128 + n), or 0 when it was not killed by a signal. */
  public static int killedBySignal(int exitCode) {
    return exitCode > SIGNAL_BASE && exitCode <= 255 ? exitCode - SIGNAL_BASE : 0;
  }
}
