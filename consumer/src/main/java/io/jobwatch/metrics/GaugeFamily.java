package io.jobwatch.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One gauge family whose set of series is replaced as a whole at each refresh. A series that stays
 * keeps its meter and only its value changes, so a scrape during a refresh never misses it
 * (re-registering every row, as {@code MultiGauge.register(rows, true)} does, removes it for a
 * moment). {@link #replace} runs on one thread; scrapes read concurrently.
 */
final class GaugeFamily {
  private final MultiGauge gauge;
  private Map<Tags, Value> values = new HashMap<>();

  private GaugeFamily(MultiGauge gauge) {
    this.gauge = gauge;
  }

  static GaugeFamily register(
      MeterRegistry registry, String name, String description, String baseUnit) {
    MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
    if (baseUnit != null) {
      builder.baseUnit(baseUnit);
    }
    return new GaugeFamily(builder.register(registry));
  }

  /** Serves exactly these series (tags to value) from now on. */
  void replace(Map<Tags, ? extends Number> series) {
    Map<Tags, Value> next = new HashMap<>();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    series.forEach(
        (tags, number) -> {
          Value value = values.getOrDefault(tags, new Value());
          value.current = number.doubleValue();
          next.put(tags, value);
          rows.add(MultiGauge.Row.of(tags, value, Value::current));
        });
    values = next;
    gauge.register(rows, false);
  }

  /** Serves no series. */
  void clear() {
    replace(Map.of());
  }

  private static final class Value {
    private volatile double current;

    double current() {
      return current;
    }
  }
}
