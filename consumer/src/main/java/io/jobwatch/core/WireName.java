package io.jobwatch.core;

import java.util.Locale;

/**
 * An enum whose constants travel as lower-case names: in events, table columns, metric labels and
 * CLI output ({@code third_party}, {@code too_often}). The one place that spelling is defined, so
 * every enum reads and writes it the same way.
 */
public interface WireName {
  /** The constant's Java name; enums implement it already. */
  String name();

  /** The lower-case name used on the wire. */
  default String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant of {@code type} whose wire name is {@code wire}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values when none matches
   */
  static <E extends Enum<E> & WireName> E parse(Class<E> type, String wire) {
    if (wire != null) {
      for (E constant : type.getEnumConstants()) {
        if (constant.wireName().equalsIgnoreCase(wire)) {
          return constant;
        }
      }
    }
    StringBuilder accepted = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      accepted.append(accepted.isEmpty() ? "" : ", ").append(constant.wireName());
    }
    throw new IllegalArgumentException(
        "'" + wire + "' is not a " + type.getSimpleName() + " (one of " + accepted + ")");
  }
}
