package io.jobwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.jobwatch.JobwatchException;
import io.jobwatch.metrics.Scrapes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (Prometheus text, or OpenMetrics when the scraper asks for it), {@code
 * /healthz} (the process is alive and its consumer thread runs) and {@code /readyz} (consuming with
 * the database reachable). Paths match exactly: anything else is 404, a method other than GET or
 * HEAD is 405. Thread-safe.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final String OPENMETRICS = "application/openmetrics-text";
  private static final String TEXT = "text/plain; charset=utf-8";

  /** The JDK server's limit on reading a request's line and headers, in seconds (read once). */
  private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";

  static {
    // Without it the server reads a request's headers on one of the two threads below for as long
    // as the client keeps the connection: two clients that sent part of a request and went silent
    // (a scanner, a scraper whose pod died mid-request) would hold both for good, /healthz would
    // stop answering and Kubernetes would restart a healthy pod. A -D on the command line wins.
    if (System.getProperty(MAX_REQUEST_SECONDS) == null) {
      System.setProperty(MAX_REQUEST_SECONDS, "5");
    }
  }

  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on every interface on {@code port} (0 picks a free one). */
  public static HttpEndpoint start(
      int port, PrometheusMeterRegistry registry, BooleanSupplier alive, BooleanSupplier ready) {
    return start("", port, registry, alive, ready);
  }

  /**
   * Starts serving on {@code bind} (an address or host name; blank for every interface) and {@code
   * port} (0 picks a free one).
   */
  public static HttpEndpoint start(
      String bind,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier alive,
      BooleanSupplier ready) {
    InetSocketAddress address = address(bind, port);
    Map<String, HttpHandler> routes =
        Map.of(
            "/metrics", exchange -> metrics(exchange, registry),
            "/healthz",
                exchange ->
                    probe(exchange, alive.getAsBoolean(), "alive", "consumer thread stopped"),
            "/readyz",
                exchange ->
                    probe(
                        exchange, ready.getAsBoolean(), "ready", "not consuming or database away"));
    try {
      HttpServer server = HttpServer.create(address, 0);
      server.setExecutor(Executors.newFixedThreadPool(2, daemon()));
      // One context for all paths: HttpServer matches contexts by prefix, so /metrics would also
      // answer /metricsfoo and /metrics/anything.
      server.createContext("/", exchange -> route(exchange, routes));
      server.start();
      return new HttpEndpoint(server);
    } catch (IOException e) {
      throw new JobwatchException("could not listen for HTTP on " + describe(bind, port), e);
    }
  }

  /**
   * The host a local probe (the {@code healthcheck} command) should call for an endpoint bound to
   * {@code bind}: the loopback address when it listens on every interface, else {@code bind}.
   */
  public static String probeHost(String bind) {
    if (bind == null || bind.isBlank() || bind.equals("0.0.0.0") || bind.equals("::")) {
      return "127.0.0.1";
    }
    return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
  }

  private static InetSocketAddress address(String bind, int port) {
    if (bind == null || bind.isBlank()) {
      return new InetSocketAddress(port);
    }
    InetSocketAddress address = new InetSocketAddress(bind.strip(), port);
    if (address.isUnresolved()) {
      throw new JobwatchException(
          "could not listen for HTTP on " + describe(bind, port) + ": unknown host " + bind);
    }
    return address;
  }

  private static String describe(String bind, int port) {
    return (bind == null || bind.isBlank() ? "every interface" : bind) + ", port " + port;
  }

  private static void route(HttpExchange exchange, Map<String, HttpHandler> routes)
      throws IOException {
    try {
      HttpHandler handler = routes.get(exchange.getRequestURI().getPath());
      String method = exchange.getRequestMethod();
      if (handler == null) {
        respond(exchange, 404, TEXT, "not found\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, TEXT, "method not allowed\n");
      } else {
        handler.handle(exchange);
      }
    } finally {
      exchange.close();
    }
  }

  private static void metrics(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    String contentType =
        accept != null && accept.contains(OPENMETRICS)
            ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
            : "text/plain; version=0.0.4; charset=utf-8";
    respond(exchange, 200, contentType, Scrapes.read(() -> registry.scrape(contentType)));
  }

  private static ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "jobwatch-http");
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void probe(HttpExchange exchange, boolean ok, String good, String bad)
      throws IOException {
    respond(exchange, ok ? 200 : 503, TEXT, (ok ? good : bad) + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The address the endpoint listens on (the wildcard address when bound to every interface). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
