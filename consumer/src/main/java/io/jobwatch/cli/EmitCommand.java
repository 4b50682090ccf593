package io.jobwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch emit TYPE --field value …}: builds one event, validates it against the contract
 * and publishes it. {@code --job-id} becomes {@code job_id}; the contract's integer fields ({@code
 * attempt}, {@code exit_code}, a monitor's thresholds) are numbers, {@code fatal} a boolean;
 * anything else (lists, objects, null) goes in {@code --data}.
 */
@Command(
    name = "emit",
    mixinStandardHelpOptions = true,
    description = {
      "Validate and publish one event.",
      "Builds a CloudEvents envelope, validates it against the contract (exit 2 with the reason if",
      "invalid), sends it to its topic with the right key and waits for the acknowledgement.",
      "Every --some-field VALUE becomes data.some_field."
    },
    footer = {
      "",
      "Examples:",
      "  jobwatch emit job.started --job-id X --runner slurm --attempt 1",
      "  jobwatch emit job.finished --job-id X --attempt 1 --exit-code 0",
      "  jobwatch emit --mode binary job.finished --job-id X --attempt 1 --exit-code 0",
      "  jobwatch emit stage.error --service blast --runner slurm --stage submit \\",
      "      --error-class subprocess.CalledProcessError --message 'sbatch returned 1'",
      "  jobwatch emit monitor.declared --data '{\"monitor\":\"nightly\",\"team\":\"ops\",",
      "      \"schedule\":{\"cron\":\"0 2 * * *\",\"timezone\":\"UTC\"},\"grace\":\"PT30M\"}'"
    })
public final class EmitCommand implements Callable<Integer> {
  // Every integer field at the top of an event's data in schemas/v1/data (EmitFieldsTest).
  static final Set<String> INTEGERS =
      Set.of("attempt", "exit_code", "failure_threshold", "recovery_threshold");
  static final Set<String> BOOLEANS = Set.of("fatal");

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "TYPE [--FIELD VALUE]...",
      arity = "1..*",
      description = "The event type, then data fields.")
  List<String> words;

  @Option(names = "--data", paramLabel = "JSON", description = "A JSON object merged into data.")
  String dataJson;

  @Option(names = "--time", description = "Event time (RFC 3339); default now.")
  String time;

  @Option(
      names = "--mode",
      paramLabel = "structured|binary",
      converter = ContentMode.Converter.class,
      description =
          "CloudEvents Kafka content mode: the envelope as the value (structured, the default) or"
              + " ce_ headers with the data as the value (binary).")
  ContentMode mode = ContentMode.STRUCTURED;

  @Option(
      names = "--spool",
      description = "If Kafka does not acknowledge, spool the event instead of failing.")
  boolean spool;

  @Override
  public Integer call() {
    String type = words.get(0);
    ObjectNode data = CliEvents.MAPPER.createObjectNode();
    try {
      if (dataJson != null) {
        JsonNode parsed = CliEvents.EXACT.readTree(dataJson);
        if (!(parsed instanceof ObjectNode object)) {
          return invalid("--data must be a JSON object");
        }
        data.setAll(object);
      }
      List<String> fields = words.subList(1, words.size());
      for (int i = 0; i < fields.size(); i++) {
        String word = fields.get(i);
        if (!word.startsWith("--") || word.length() < 3) {
          return invalid("expected --field value, not '" + word + "'");
        }
        String name = word.substring(2);
        String value;
        int equals = name.indexOf('=');
        if (equals >= 0) {
          value = name.substring(equals + 1);
          name = name.substring(0, equals);
        } else if (i + 1 < fields.size()) {
          value = fields.get(++i);
        } else {
          return invalid("--" + name + " needs a value");
        }
        put(data, name.replace('-', '_'), value);
      }
      Instant at = time == null ? Instant.now() : Instant.parse(time);
      return Publishing.publish(spec, type, data, at, spool, mode);
    } catch (JsonProcessingException e) {
      return invalid("--data is not JSON: " + e.getOriginalMessage());
    } catch (DateTimeException e) {
      return invalid("--time is not an RFC 3339 instant: " + time);
    }
  }

  private static void put(ObjectNode data, String field, String value) {
    if (INTEGERS.contains(field) && value.matches("-?\\d{1,9}")) {
      data.put(field, Integer.parseInt(value));
    } else if (BOOLEANS.contains(field) && (value.equals("true") || value.equals("false"))) {
      data.put(field, Boolean.parseBoolean(value));
    } else {
      data.put(field, value);
    }
  }

  private int invalid(String reason) {
    spec.commandLine().getErr().println("invalid event, not sent: " + reason);
    spec.commandLine().getErr().flush();
    return Publishing.INVALID;
  }
}
