package io.jobwatch;

import io.jobwatch.cli.EarlyRun;
import io.jobwatch.cli.JobwatchCommand;
import io.jobwatch.cli.RunCommand;
import io.jobwatch.cli.StatusCommand;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the jobwatch jar: {@code java -jar jobwatch.jar COMMAND}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Issue 12.5: a cron job's command starts before the parser and everything else loads.
    EarlyRun.startIfPlain(args, System.getenv());
    // Flushed at every line, as picocli's own writers are (in the default charset, which picocli
    // also uses on Linux; it prefers sun.stdout.encoding, set on Windows consoles).
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    int code = execute(args, System.getenv(), out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs {@code jobwatch ARGS} configured from {@code environment}, printing to {@code out} and
   * {@code err}, and returns its exit code; what {@link #main} does after starting a cron job's
   * command (tests call it in-process).
   */
  public static int execute(
      String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
    // Issue 11.4: `status` and `status --json` are answered without the parser, Jdbi or Logback.
    Integer status = StatusCommand.runIfPlain(args, environment, out, err);
    if (status != null) {
      return status;
    }
    // Issue 12.5: a cron job's run, its command started by main, goes on without the parser too.
    Integer run = RunCommand.runIfStartedEarly(args, environment, err);
    if (run != null) {
      return run;
    }
    CommandLine commandLine = JobwatchCommand.commandLineFor(args, environment);
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine.execute(args);
  }
}
