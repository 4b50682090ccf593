package io.jobwatch.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorFold;
import io.jobwatch.core.monitor.MonitorRun;
import io.jobwatch.core.monitor.MonitorState;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.assertj.core.api.Assertions;

/**
 * Issue 10.1 for monitors: extreme and malformed-but-plausible declarations thrown at decode, fold
 * and evaluation at the ends of the contract's time range. Each is either rejected with a reason
 * naming a field of data, or folds and evaluates without an exception.
 */
class MonitorDeclarationProperties {
  private static final EventDecoder DECODER = new EventDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant[] EXTREMES = {
    Instant.parse("0001-01-01T00:00:00Z"),
    Instant.parse("1970-01-01T00:00:00Z"),
    Instant.parse("2026-11-29T12:00:00Z"),
    Instant.parse("9999-12-31T23:59:59.999Z")
  };

  @Property(tries = 400)
  @Label("A monitor declaration is rejected naming its field, or folds and evaluates at any time")
  void nothingEscapesDecodeAndFold(
      @ForAll("durations") String every,
      @ForAll("durations") String grace,
      @ForAll("optionalDurations") String maxRuntime,
      @ForAll("crons") String cron,
      @ForAll("times") String time,
      @ForAll boolean useCron) {
    ObjectNode event = JSON.createObjectNode();
    event.put("specversion", "1.0").put("id", "p-1").put("source", "/p");
    event.put("type", "monitor.declared").put("time", time);
    ObjectNode data = event.putObject("data");
    data.put("monitor", "prop").put("team", "t").put("grace", grace).put("max_runtime", maxRuntime);
    if (useCron) {
      data.putObject("schedule").put("cron", cron).put("timezone", "Europe/Berlin");
    } else {
      data.putObject("schedule").put("every", every);
    }

    Decoded decoded =
        DECODER.decode(event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

    if (decoded instanceof Decoded.Rejected rejected) {
      Assertions.assertThat(rejected.reason()).containsPattern("\\$(\\.data)?[.a-z_]*:");
      return;
    }
    MonitorEvent declared = (MonitorEvent) ((Decoded.Accepted) decoded).event();
    MonitorState state = MonitorFold.apply(null, declared);
    for (Instant run : EXTREMES) {
      state = MonitorFold.observeRun(state, "prop", new MonitorRun(run, run, true));
      for (Instant now : EXTREMES) {
        Assertions.assertThat(MonitorEvaluator.evaluate(state, now)).isNotNull();
      }
    }
  }

  @Provide
  Arbitrary<String> durations() {
    Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(15);
    Arbitrary<String> unit = Arbitraries.of("W", "D", "H", "M", "S");
    return Combinators.combine(digits, unit)
        .as((number, part) -> ("HMS".contains(part) ? "PT" : "P") + number + part)
        .edgeCases(
            config ->
                config.add("P9999999999999D").add("P366D").add("P367D").add("PT0S").add("P52W3D"));
  }

  /** An optional duration, sometimes null: the same as absent (a serialised unset field). */
  @Provide
  Arbitrary<String> optionalDurations() {
    return durations().injectNull(0.2);
  }

  @Provide
  Arbitrary<String> crons() {
    Arbitrary<String> field =
        Arbitraries.oneOf(
            Arbitraries.just("*"),
            Arbitraries.integers().between(0, 99).map(String::valueOf),
            Arbitraries.integers().between(1, 60).map(step -> "*/" + step));
    return field.list().ofSize(5).map(fields -> String.join(" ", fields));
  }

  @Provide
  Arbitrary<String> times() {
    return Arbitraries.of(
        "0001-01-01T00:00:00Z", "2026-11-29T12:00:00Z", "9999-12-31T23:59:59.999Z");
  }
}
