package io.jobwatch;

import io.jobwatch.cli.EarlyRun;
import io.jobwatch.cli.JobwatchCommand;

/** Entry point of the jobwatch jar: {@code java -jar jobwatch.jar COMMAND}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Issue 12.5: a cron job's command starts before the parser and everything else loads.
    EarlyRun.startIfPlain(args);
    System.exit(JobwatchCommand.commandLineFor(args).execute(args));
  }
}
