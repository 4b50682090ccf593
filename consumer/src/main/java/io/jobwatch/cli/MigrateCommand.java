package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jobwatch migrate}: creates or upgrades the schema, then exits. */
@Command(name = "migrate", description = "Create or upgrade the database schema, then exit.")
public final class MigrateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    try (Database database = Database.open(Settings.fromEnvironment(System.getenv()).db())) {
      int applied = database.migrate();
      System.out.println("schema up to date; " + applied + " migrations applied");
    }
    return 0;
  }
}
