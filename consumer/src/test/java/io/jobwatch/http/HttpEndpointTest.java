package io.jobwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.JobwatchException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean ready = new AtomicBoolean(true);
  private PrometheusMeterRegistry registry;
  private HttpEndpoint endpoint;

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("jobwatch.test.probe").register(registry).increment();
    endpoint = HttpEndpoint.start("127.0.0.1", 0, registry, () -> true, ready::get);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    registry.close();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(
        request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path);
  }

  @Test
  @DisplayName(
      "Two clients that sent half a request and went silent do not keep /healthz from answering"
          + " (the liveness probe)")
  void halfSentRequestsDoNotBlockTheProbe() throws Exception {
    List<Socket> silent = new ArrayList<>();
    try {
      // As many as the server has threads: a scanner, or a scraper whose pod died between the
      // packets of its request. The JDK server reads the headers on an executor thread, and with
      // no limit such a read waits for ever; Kubernetes then restarts a healthy pod (liveness:
      // /healthz, 3 s timeout, 6 failures).
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket("127.0.0.1", endpoint.port());
        socket
            .getOutputStream()
            .write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        silent.add(socket);
      }
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      Integer status = null;
      while (status == null && Instant.now().isBefore(deadline)) {
        try {
          status = send(HttpRequest.newBuilder(uri("/healthz"))).statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
          // both threads still taken: ask again, as the kubelet does
        }
      }
      assertThat(status)
          .as("/healthz within 30 s while the silent clients stay connected")
          .isEqualTo(200);
    } finally {
      for (Socket socket : silent) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("The three paths answer exactly, a query string does not change the path")
  void knownPathsAnswer() throws Exception {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jobwatch_test_probe_total 1.0");
    assertThat(get("/healthz").body()).isEqualTo("alive\n");
    assertThat(get("/readyz?verbose=1").statusCode()).isEqualTo(200);
    ready.set(false);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  @DisplayName("Paths that only start like a known path, and unknown paths, are 404")
  void otherPathsAreNotFound() throws Exception {
    for (String path :
        new String[] {
          "/", "/metricsfoo", "/metrics/", "/metrics/x", "/healthz/x", "/ready", "/x"
        }) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).doesNotContain("jobwatch_test_probe");
    }
  }

  @Test
  @DisplayName("A method other than GET or HEAD is 405 with an Allow header; HEAD has no body")
  void onlyGetAndHead() throws Exception {
    HttpResponse<String> post =
        send(HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(uri("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  @DisplayName("JOBWATCH_HTTP_BIND decides the listen address; blank listens everywhere")
  void bindAddress() {
    assertThat(endpoint.address().getAddress().isLoopbackAddress()).isTrue();
    try (HttpEndpoint everywhere = HttpEndpoint.start("", 0, registry, () -> true, () -> true)) {
      assertThat(everywhere.address().getAddress().isAnyLocalAddress()).isTrue();
    }
    assertThatThrownBy(
            () -> HttpEndpoint.start("no-such-host.invalid", 0, registry, () -> true, () -> true))
        .isInstanceOf(JobwatchException.class)
        .hasMessageContaining("no-such-host.invalid");
  }

  @Test
  @DisplayName("The healthcheck probes loopback for a wildcard bind, else the bound address")
  void probeHost() throws Exception {
    assertThat(HttpEndpoint.probeHost("")).isEqualTo("127.0.0.1");
    assertThat(HttpEndpoint.probeHost("0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(HttpEndpoint.probeHost("::")).isEqualTo("127.0.0.1");
    assertThat(HttpEndpoint.probeHost("10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(HttpEndpoint.probeHost("::1")).isEqualTo("[::1]");
    assertThat(InetAddress.getByName(HttpEndpoint.probeHost("")).isLoopbackAddress()).isTrue();
  }
}
