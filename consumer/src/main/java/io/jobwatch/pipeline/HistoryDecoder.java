package io.jobwatch.pipeline;

import io.jobwatch.core.Event;

/** Turns a stored envelope back into its event, without re-validating it. Thread-safe. */
@FunctionalInterface
public interface HistoryDecoder {
  Event decode(String envelopeJson);
}
