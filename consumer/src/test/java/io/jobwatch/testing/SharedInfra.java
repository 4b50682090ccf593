package io.jobwatch.testing;

/** An {@link Infra} that owns its servers and shuts them down on close; thread-safe. */
interface SharedInfra extends Infra, AutoCloseable {

  /** Stops what this infra started; never throws checked exceptions. */
  @Override
  void close();
}
