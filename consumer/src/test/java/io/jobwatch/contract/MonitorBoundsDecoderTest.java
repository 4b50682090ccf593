package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Monitor durations and cron expressions are bounded when they arrive")
class MonitorBoundsDecoderTest {
  private static final Path EXAMPLE =
      Path.of("..", "schemas", "examples", "valid", "monitor.declared-every.json");
  private static final EventDecoder DECODER = new EventDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The valid every-example with one member of data (a dotted path) set to {@code value}. */
  private static Decoded declare(String member, String value) throws IOException {
    ObjectNode event = (ObjectNode) JSON.readTree(Files.readAllBytes(EXAMPLE));
    ObjectNode data = (ObjectNode) event.get("data");
    if (member.startsWith("schedule.")) {
      ObjectNode schedule = data.putObject("schedule");
      schedule.put(member.substring("schedule.".length()), value);
      if (member.equals("schedule.cron")) {
        schedule.put("timezone", "UTC");
      }
    } else {
      data.put(member, value);
    }
    return DECODER.decode(JSON.writeValueAsBytes(event));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "schedule.every, P9999999999999D",
    "schedule.every, P367D",
    "schedule.every, P53W",
    "schedule.every, P52W3D",
    "schedule.every, PT8785H",
    "schedule.every, PT99999999999S",
    "grace, P366DT1S",
    "grace, P1W360D",
    "max_runtime, PT527041M",
    "max_runtime, P1000D",
  })
  @DisplayName("a duration longer than 366 days is rejected with a reason naming the field")
  void tooLongIsRejectedNamingTheField(String member, String value) throws IOException {
    Decoded decoded = declare(member, value);

    assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
    assertThat(((Decoded.Rejected) decoded).reason()).contains("$.data." + member + ":");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "schedule.every, P366D",
    "schedule.every, P52W2D",
    "schedule.every, PT8784H",
    "grace, PT31622400S",
    "max_runtime, PT527040M",
  })
  @DisplayName("a duration of exactly 366 days is accepted")
  void longestIsAccepted(String member, String value) throws IOException {
    Decoded decoded = declare(member, value);

    assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
    MonitorChange.Declared declared =
        (MonitorChange.Declared) ((MonitorEvent) ((Decoded.Accepted) decoded).event()).change();
    Duration longest = Duration.ofDays(366);
    switch (member) {
      case "schedule.every" ->
          assertThat(declared.schedule()).isEqualTo(new MonitorChange.Schedule.Every(longest));
      case "grace" -> assertThat(declared.grace()).isEqualTo(longest);
      default -> assertThat(declared.maxRuntime()).isEqualTo(longest);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0 2 30 2 *", "0 0 31 4 *", "61 2 * * *", "* * *", "@reboot", "@every 1h", "@Daily"})
  @DisplayName("a cron expression that does not parse or never fires is rejected on arrival")
  void badCronIsRejected(String expression) throws IOException {
    Decoded decoded = declare("schedule.cron", expression);

    assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
    assertThat(((Decoded.Rejected) decoded).reason()).contains("$.data.schedule.cron:");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "0 3 ? * *",
    "0 0 ? * MON-FRI",
    "0 9 * * SUN-THU",
  })
  @DisplayName(
      "a Kubernetes CronJob's schedule as it is written (@nicknames, ? for any) is accepted and"
          + " kept as declared")
  void kubernetesCronJobScheduleIsAccepted(String expression) throws IOException {
    Decoded decoded = declare("schedule.cron", expression);

    assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
    MonitorChange.Declared declared =
        (MonitorChange.Declared) ((MonitorEvent) ((Decoded.Accepted) decoded).event()).change();
    assertThat(declared.schedule())
        .isEqualTo(new MonitorChange.Schedule.Cron(expression, java.time.ZoneId.of("UTC")));
  }
}
