package io.jobwatch;

import io.jobwatch.cli.JobwatchCommand;

/** Entry point of the jobwatch jar: {@code java -jar jobwatch.jar COMMAND}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(JobwatchCommand.commandLine().execute(args));
  }
}
