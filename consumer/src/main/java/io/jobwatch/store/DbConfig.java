package io.jobwatch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the database is. {@link #toString()} hides the password, also one written into the JDBC
 * URL, so the record can be logged. Immutable and thread-safe.
 */
public record DbConfig(String jdbcUrl, String user, String password, int poolSize) {
  // pgjdbc reads password= and sslpassword= from the URL's query (any order, & or ; separated).
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;#]*");
  // user:password@host, which some tools write although pgjdbc does not read it.
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?]*:)[^/@?]*@");
  // libpq's keyword=value form (host=db password=…, as psql, psycopg and PGDSN write it), which
  // pgjdbc does not read but the commands quote when no driver takes the setting: a value ends at
  // white space, or is quoted.
  private static final Pattern KEYWORD_PASSWORD =
      Pattern.compile(
          "(?i)((?:^|\\s)(?:password|sslpassword)\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^\\s']\\S*)");

  /** {@code jdbcUrl} with the values of secret parameters and any user-info password masked. */
  public static String redact(String jdbcUrl) {
    if (jdbcUrl == null) {
      return null;
    }
    String masked = SECRET_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
    masked = KEYWORD_PASSWORD.matcher(masked).replaceAll("$1***");
    return USER_INFO.matcher(masked).replaceAll("$1***@");
  }

  /**
   * {@code text} (an error message, say) as it may be shown: this configuration's URL and any
   * URL-like secret {@link #redact(String) redacted}, and the password masked wherever it appears
   * (pgjdbc quotes a URL it cannot parse whole, password and all).
   */
  public String redactText(String text) {
    if (text == null) {
      return null;
    }
    String masked = redact(jdbcUrl == null ? text : text.replace(jdbcUrl, loggableUrl()));
    for (String secret : secrets()) {
      masked = masked.replace(secret, "***");
    }
    return masked;
  }

  /** The password setting and every password written into the URL, as they are written there. */
  private List<String> secrets() {
    List<String> secrets = new ArrayList<>();
    if (password != null && !password.isEmpty()) {
      secrets.add(password);
    }
    if (jdbcUrl != null) {
      Matcher parameters = SECRET_PARAMETER.matcher(jdbcUrl);
      while (parameters.find()) {
        secrets.add(jdbcUrl.substring(parameters.end(1), parameters.end()));
      }
      Matcher keyword = KEYWORD_PASSWORD.matcher(jdbcUrl);
      while (keyword.find()) {
        secrets.add(keyword.group(2));
      }
      Matcher userInfo = USER_INFO.matcher(jdbcUrl);
      while (userInfo.find()) {
        secrets.add(jdbcUrl.substring(userInfo.end(1), userInfo.end() - 1));
      }
    }
    secrets.removeIf(String::isEmpty);
    return secrets;
  }

  /** The URL as it may be logged or shown: {@link #redact(String) redacted}. */
  public String loggableUrl() {
    return redact(jdbcUrl);
  }

  @Override
  public String toString() {
    return "DbConfig[jdbcUrl="
        + loggableUrl()
        + ", user="
        + user
        + ", password=***, poolSize="
        + poolSize
        + "]";
  }
}
