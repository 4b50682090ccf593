package io.jobwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (Prometheus text, or OpenMetrics when the scraper asks for it), {@code
 * /healthz} (the process is alive and its consumer thread runs) and {@code /readyz} (consuming with
 * the database reachable). Thread-safe.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final String OPENMETRICS = "application/openmetrics-text";

  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code port} (0 picks a free one). */
  public static HttpEndpoint start(
      int port, PrometheusMeterRegistry registry, BooleanSupplier alive, BooleanSupplier ready) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.setExecutor(Executors.newFixedThreadPool(2, daemon()));
      server.createContext(
          "/metrics",
          exchange -> {
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            String contentType =
                accept != null && accept.contains(OPENMETRICS)
                    ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                    : "text/plain; version=0.0.4; charset=utf-8";
            respond(exchange, 200, contentType, registry.scrape(contentType));
          });
      server.createContext(
          "/healthz",
          exchange -> probe(exchange, alive.getAsBoolean(), "alive", "consumer thread stopped"));
      server.createContext(
          "/readyz",
          exchange ->
              probe(exchange, ready.getAsBoolean(), "ready", "not consuming or database away"));
      server.start();
      return new HttpEndpoint(server);
    } catch (IOException e) {
      throw new io.jobwatch.JobwatchException("could not listen for HTTP on port " + port, e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "jobwatch-http");
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void probe(HttpExchange exchange, boolean ok, String good, String bad)
      throws IOException {
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? good : bad) + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
