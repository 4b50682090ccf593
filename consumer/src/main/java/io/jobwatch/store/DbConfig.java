package io.jobwatch.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.URLCoder;

/**
 * Where the database is. {@link #toString()} hides the password, also one written into the JDBC
 * URL, so the record can be logged. Immutable and thread-safe.
 */
public record DbConfig(String jdbcUrl, String user, String password, int poolSize) {
  // pgjdbc reads password= and sslpassword= from the URL's query, any order, and a value runs to
  // the next & (it knows no fragment: # and ; are part of a password). A ;password= inside a value
  // is masked as a parameter of its own all the same.
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "(?i)([?&;](?:password|sslpassword)=)(?:(?!;(?:password|sslpassword)=)[^&])*");
  // user:password@host, which some tools write although pgjdbc does not read it; the password
  // runs to the last @ before the path, so it may hold an @.
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?]*:)[^/?]*@");
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

  /**
   * The URL the connection pool and Flyway are given: without its {@code password=} and {@code
   * sslpassword=} parameters, which {@link #connectionPassword()} and {@link
   * #connectionProperties()} carry instead. Both libraries log the URL they are given (Flyway at
   * INFO, "Database: …") masked by rules of their own that end a password at {@code ;} and miss
   * {@code sslpassword=}, where pgjdbc reads a value on to the next {@code &}.
   */
  public String connectionUrl() {
    int query = jdbcUrl.indexOf('?');
    if (query < 0 || urlSecrets() == null) {
      return jdbcUrl;
    }
    List<String> kept = new ArrayList<>();
    for (String parameter : jdbcUrl.substring(query + 1).split("&")) {
      if (secretParameter(parameter) == null) {
        kept.add(parameter);
      }
    }
    return jdbcUrl.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  /** The password a connection uses: the URL's {@code password=} wins, as in pgjdbc. */
  public String connectionPassword() {
    Map<String, String> secrets = urlSecrets();
    String fromUrl = secrets == null ? null : secrets.get("password");
    return fromUrl != null ? fromUrl : password;
  }

  /** The driver properties taken out of the URL but for the password: {@code sslpassword}. */
  public Map<String, String> connectionProperties() {
    Map<String, String> secrets = urlSecrets();
    Map<String, String> properties = new LinkedHashMap<>(secrets == null ? Map.of() : secrets);
    properties.remove("password");
    return properties;
  }

  /**
   * The URL's secret parameters by name (lower case), decoded as pgjdbc decodes them; null if one
   * cannot be decoded (the URL then goes to the driver as it is, and the driver says what is
   * wrong).
   */
  private Map<String, String> urlSecrets() {
    Map<String, String> secrets = new LinkedHashMap<>();
    int query = jdbcUrl == null ? -1 : jdbcUrl.indexOf('?');
    if (query < 0) {
      return secrets;
    }
    for (String parameter : jdbcUrl.substring(query + 1).split("&")) {
      String name = secretParameter(parameter);
      if (name != null) {
        try {
          secrets.put(name, URLCoder.decode(parameter.substring(parameter.indexOf('=') + 1)));
        } catch (IllegalArgumentException undecodable) {
          return null;
        }
      }
    }
    return secrets;
  }

  /** {@code password} or {@code sslpassword} if {@code parameter} sets one, else null. */
  private static String secretParameter(String parameter) {
    int equals = parameter.indexOf('=');
    String name = equals < 0 ? "" : parameter.substring(0, equals).toLowerCase(Locale.ROOT);
    return name.equals("password") || name.equals("sslpassword") ? name : null;
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
