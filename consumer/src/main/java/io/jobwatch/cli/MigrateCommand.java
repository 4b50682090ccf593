package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jobwatch migrate}: creates or upgrades the schema, then exits. */
@Command(name = "migrate", description = "Create or upgrade the database schema, then exit.")
public final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = JobwatchCommand.root(spec).settings();
    try (Database database = Database.open(settings.db())) {
      int applied = database.migrate();
      spec.commandLine().getOut().println("schema up to date; " + applied + " migrations applied");
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
