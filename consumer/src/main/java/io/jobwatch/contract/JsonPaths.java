package io.jobwatch.contract;

import com.networknt.schema.JsonNodePath;

/**
 * Field paths in the JSONPath form the schema validator writes them ({@code $.data.labels['a-b']},
 * {@code $.data.depends_on[1].accept[0]}), so a reason names a field the same way in both
 * validation modes. Stateless.
 */
final class JsonPaths {
  private JsonPaths() {}

  /** The path of member {@code name} of the object at {@code parent}. */
  static String member(String parent, String name) {
    if (isShorthand(name)) {
      return parent + "." + name;
    }
    String quoted =
        name.replace("'", "\\'")
            .replace("\n", "\\n")
            .replace("\t", "\\t")
            .replace("\r", "\\r")
            .replace("\b", "\\b")
            .replace("\f", "\\f");
    return parent + "['" + quoted + "']";
  }

  /** The path of item {@code index} of the array at {@code parent}. */
  static String item(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /**
   * A validator's path written by {@link #member} and {@link #item}: the validator's own rendering
   * throws for an empty member name, which is valid JSON.
   */
  static String of(JsonNodePath path) {
    String text = "$";
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      text =
          element instanceof Integer index
              ? item(text, index)
              : member(text, String.valueOf(element));
    }
    return text;
  }

  /** A name written after a dot: a letter, underscore or non-ASCII first, digits allowed later. */
  private static boolean isShorthand(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      boolean first = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 128;
      if (!first && !(i > 0 && c >= '0' && c <= '9')) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }
}
