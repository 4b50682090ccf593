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
 * moment). The values of a refresh are published together, excluding scrapes ({@link Scrapes}): a
 * scrape reads every series of the one before or every series of this one, never a mix, so a
 * one-hot family such as a monitor's status has exactly one series at 1 at every scrape. {@link
 * #replace} runs on one thread; scrapes read concurrently.
 */
final class GaugeFamily {
  private final MultiGauge gauge;
  private volatile Map<Tags, Double> values = Map.of();

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
    Map<Tags, Double> next = new HashMap<>();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    series.forEach(
        (tags, number) -> {
          next.put(tags, number.doubleValue());
          rows.add(MultiGauge.Row.of(tags, this, family -> family.value(tags)));
        });
    // New series must read their value as soon as they are registered, and series on their way
    // out their last value until they are removed: both are readable while the set changes.
    Scrapes.change(
        () -> {
          Map<Tags, Double> during = new HashMap<>(values);
          during.putAll(next);
          values = Map.copyOf(during);
          gauge.register(rows, false);
          values = Map.copyOf(next);
        });
  }

  private double value(Tags tags) {
    return values.getOrDefault(tags, Double.NaN);
  }

  /** Serves no series. */
  void clear() {
    replace(Map.of());
  }
}
