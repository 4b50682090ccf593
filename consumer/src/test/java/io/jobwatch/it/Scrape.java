package io.jobwatch.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of a jobwatch {@code /metrics} endpoint, parsed into samples of the Prometheus text
 * format. Immutable after construction.
 */
final class Scrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The job states jobwatch_jobs exports for every service, in its order. */
  static final List<String> JOB_STATES =
      List.of(
          "submitted",
          "queued",
          "waiting",
          "running",
          "succeeded",
          "failed",
          "crashed",
          "cancelled");

  /** One sample line: metric name, labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {
    boolean hasLabels(Map<String, String> wanted) {
      return labels.entrySet().containsAll(wanted.entrySet());
    }

    /** The series identity, name plus sorted labels, to compare series across scrapes. */
    String series() {
      return name + new java.util.TreeMap<>(labels);
    }
  }

  final String text;
  final List<Sample> samples;

  private Scrape(String text) {
    this.text = text;
    this.samples = parse(text);
  }

  static Scrape of(String text) {
    return new Scrape(text);
  }

  /** GETs {@code path} on 127.0.0.1:{@code port} with an optional Accept header. */
  static HttpResponse<String> get(int port, String path, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on port " + port + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted during GET " + path, e);
    }
  }

  /** Scrapes {@code /metrics} in the Prometheus text format. */
  static Scrape metrics(int port) {
    HttpResponse<String> response = get(port, "/metrics", null);
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return of(response.body());
  }

  /** Samples of one metric whose labels include the given name/value pairs. */
  List<Sample> samples(String name, String... labelsAndValues) {
    Map<String, String> wanted = pairs(labelsAndValues);
    return samples.stream().filter(s -> s.name.equals(name) && s.hasLabels(wanted)).toList();
  }

  /** The value of the one sample matching; fails if none or several match. */
  double value(String name, String... labelsAndValues) {
    List<Sample> matching = samples(name, labelsAndValues);
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one sample of "
              + name
              + " with "
              + pairs(labelsAndValues)
              + ", found "
              + matching);
    }
    return matching.get(0).value;
  }

  /** jobwatch_events_total of one topic and outcome; fails if no such sample. */
  double events(String topic, String outcome) {
    return value("jobwatch_events_total", "topic", topic, "outcome", outcome);
  }

  /** Distinct values of one label across all samples of a metric. */
  Set<String> labelValues(String name, String label) {
    Set<String> values = new TreeSet<>();
    for (Sample sample : samples(name)) {
      if (sample.labels.containsKey(label)) {
        values.add(sample.labels.get(label));
      }
    }
    return values;
  }

  private static Map<String, String> pairs(String... labelsAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      map.put(labelsAndValues[i], labelsAndValues[i + 1]);
    }
    return map;
  }

  private static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(parseLine(line));
    }
    return samples;
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int at = brace + 1;
      while (line.charAt(at) != '}') {
        int equals = line.indexOf('=', at);
        String label = line.substring(at, equals).strip();
        StringBuilder value = new StringBuilder();
        at = equals + 2; // past ="
        while (line.charAt(at) != '"') {
          char c = line.charAt(at);
          if (c == '\\') {
            char escaped = line.charAt(++at);
            value.append(escaped == 'n' ? '\n' : escaped);
          } else {
            value.append(c);
          }
          at++;
        }
        labels.put(label, value.toString());
        at++; // past closing quote
        if (line.charAt(at) == ',') {
          at++;
        }
      }
      rest = at + 1;
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    String[] valueAndTimestamp = line.substring(rest).strip().split(" ");
    return new Sample(name, Map.copyOf(labels), parseValue(valueAndTimestamp[0]));
  }

  private static double parseValue(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }
}
