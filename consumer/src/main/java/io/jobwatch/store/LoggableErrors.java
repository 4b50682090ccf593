package io.jobwatch.store;

import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Describes a database failure for a log line without the row it was about: PostgreSQL's detail
 * ("Failing row contains (…)") and Jdbi's statement context (the bound arguments) carry event data,
 * which belongs in {@code dead_letters}, not in the log. Stateless, thread-safe.
 */
public final class LoggableErrors {
  private static final int MAX_LENGTH = 400;

  private LoggableErrors() {}

  /**
   * The cause chain, each link as its type and, where it cannot carry row data, its message:
   * PostgreSQL errors as SQLSTATE and primary message, Jdbi statement errors as their type only.
   */
  public static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable link = error;
        link != null && text.length() < MAX_LENGTH;
        link = link.getCause() == link ? null : link.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(describeOne(link));
    }
    return text.toString();
  }

  private static String describeOne(Throwable error) {
    if (error instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      return error.getClass().getName()
          + ": SQLSTATE "
          + server.getSQLState()
          + " "
          + server.getMessage();
    }
    if (error instanceof StatementException) {
      return error.getClass().getName();
    }
    return error.toString();
  }
}
