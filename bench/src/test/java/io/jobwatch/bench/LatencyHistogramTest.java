package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  @DisplayName("Percentiles are bucket upper bounds of two significant digits")
  void percentilesAreBucketUpperBounds() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int ms = 1; ms <= 100; ms++) {
      histogram.record(ms);
    }
    histogram.record(1234);
    assertThat(histogram.percentile(0.5)).isEqualTo(51);
    assertThat(histogram.percentile(1.0)).isEqualTo(1300);
    assertThat(LatencyHistogram.bucket(99)).isEqualTo(99);
    assertThat(LatencyHistogram.bucket(101)).isEqualTo(110);
  }

  @Test
  @DisplayName("Merged histograms count the delays of both")
  void mergeAddsCounts() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(5, 3);
    histogram.merge(Map.of(5L, 2L, 700L, 1L));
    assertThat(histogram.total()).isEqualTo(6);
    assertThat(histogram.counts()).containsEntry(5L, 5L);
  }
}
