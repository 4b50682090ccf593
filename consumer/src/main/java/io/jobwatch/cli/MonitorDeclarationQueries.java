package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jobwatch.JobwatchException;
import io.jobwatch.store.MonitorsTable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The declarations in force, as {@code monitors apply} compares them; SQL in {@link MonitorsTable}.
 */
final class MonitorDeclarationQueries {
  private MonitorDeclarationQueries() {}

  /** Every declared monitor by name, as {@link MonitorPlan} compares it. */
  static Map<String, MonitorPlan.Current> all(Handle handle) {
    Map<String, MonitorPlan.Current> current = new LinkedHashMap<>();
    MonitorsTable.declarationsInForce(
            handle,
            (rs, ctx) -> {
              try {
                return Map.entry(
                    rs.getString("monitor"),
                    new MonitorPlan.Current(
                        CliEvents.MAPPER.readTree(rs.getString("declaration")),
                        rs.getBoolean("retired")));
              } catch (JsonProcessingException e) {
                throw new JobwatchException(
                    "the stored declaration of " + rs.getString("monitor") + " is not JSON", e);
              }
            })
        .forEach(entry -> current.put(entry.getKey(), entry.getValue()));
    return current;
  }
}
