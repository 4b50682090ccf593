package io.jobwatch.demo;

/**
 * One record the simulation sends {@code atMillis} after its cycle starts; {@code errors} picks the
 * errors topic over the lifecycle topic. Immutable.
 */
record DemoRecord(long atMillis, boolean errors, String key, String value) {}
