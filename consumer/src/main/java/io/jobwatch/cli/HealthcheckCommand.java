package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import io.jobwatch.http.HttpEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jobwatch healthcheck}: exits 0 when the local /healthz answers 200 (container probe). */
@Command(name = "healthcheck", description = "Exit 0 if this host's jobwatch /healthz answers 200.")
public final class HealthcheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = JobwatchCommand.root(spec).settings();
    String host = HttpEndpoint.probeHost(settings.httpBind());
    int port = settings.httpPort();
    try {
      HttpResponse<Void> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(2))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/healthz"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200 ? 0 : 1;
    } catch (java.io.IOException e) {
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
