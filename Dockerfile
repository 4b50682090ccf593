# syntax=docker/dockerfile:1
# jobwatch container image. Build from the repository root:
#   docker build -t jobwatch:dev .
# The build stage runs the project's own Maven wrapper so the image is built exactly as CI builds it;
# tests are skipped here because CI runs them (`./mvnw -B verify`) before an image is published.
# Only the production module (consumer) and what its build needs (embedded, a test-scope dependency)
# are built; the image ships consumer/target/jobwatch.jar and its lib/ (no broker, Scala, PostgreSQL
# binaries, demo or bench: the consumer's enforcer rule keeps them out).
# -Djobwatch.cds.skip: the class data sharing archive for `jobwatch run` is bound to the path it was
# dumped at (/src/...), so the image would not use it (docs/performance.md, jobwatch run from cron).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Everything the build reads; .dockerignore keeps targets, IDE files and deploy/ out of the context.
COPY . .
# The cache mount keeps ~/.m2 (dependencies and the wrapper's Maven) between builds without
# baking it into a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests -Djobwatch.cds.skip -pl consumer -am package

# The demo publisher of deploy/compose.yaml (build target "demo"): jobwatch-demo.jar, which adds
# publish-demo and demo to every jobwatch command. `docker build .` (the last stage, below) never
# builds these two stages, so the production image stays free of the demo and the embedded servers.
FROM build AS demo-build
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests -Djobwatch.cds.skip -pl demo -am package

FROM eclipse-temurin:17-jre AS demo
WORKDIR /app
COPY --from=demo-build /src/demo/target/lib/ /app/lib/
COPY --from=demo-build /src/demo/target/jobwatch-demo.jar /app/jobwatch-demo.jar
USER 10001:10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-jar", "/app/jobwatch-demo.jar"]
CMD ["publish-demo"]

# The production image: consumer/target/jobwatch.jar and its lib/ only.
FROM eclipse-temurin:17-jre
# A fixed numeric UID/GID lets Kubernetes verify runAsNonRoot without a passwd lookup.
RUN groupadd --system --gid 10001 jobwatch \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin jobwatch
WORKDIR /app
# The jar's manifest Class-Path names lib/<artifact>.jar, so lib/ must sit beside the jar.
COPY --from=build /src/consumer/target/lib/ /app/lib/
COPY --from=build /src/consumer/target/jobwatch.jar /app/jobwatch.jar
USER 10001:10001
ENV JOBWATCH_HTTP_PORT=9464
EXPOSE 9464
# `jobwatch healthcheck` GETs http://127.0.0.1:$JOBWATCH_HTTP_PORT/healthz and exits 0 or 1; the JRE
# image has no curl or wget. A small heap and C1 only keep the probe's own JVM cheap.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/app/jobwatch.jar", "healthcheck"]
# The JVM reads the container's memory limit; the heap takes 75% of it and leaves the rest for
# metaspace, threads and direct buffers. The collector is chosen here because below 1792 MB of
# memory the JVM silently picks the serial one, measured at 0.8x the throughput of the parallel
# collector at the same heap (docs/performance.md, "Heap and collector"). Add other flags through
# JAVA_TOOL_OPTIONS; to use another collector, override the entrypoint (the JVM refuses two).
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:MaxRAMPercentage=75.0", "-XX:InitialRAMPercentage=25.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/jobwatch.jar"]
CMD ["consume"]
