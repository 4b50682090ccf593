package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DbConfigTest {

  @Test
  @DisplayName("A password in the URL's query is masked wherever the parameter stands")
  void queryPasswordsAreMasked() {
    assertThat(
            DbConfig.redact(
                "jdbc:postgresql://db:5432/jobwatch?password=s3cret&sslmode=verify-full"))
        .isEqualTo("jdbc:postgresql://db:5432/jobwatch?password=***&sslmode=verify-full");
    assertThat(
            DbConfig.redact(
                "jdbc:postgresql://db/jobwatch?sslmode=require&user=a&PASSWORD=s3cret;sslpassword=k3y"))
        .isEqualTo(
            "jdbc:postgresql://db/jobwatch?sslmode=require&user=a&PASSWORD=***;sslpassword=***");
  }

  @Test
  @DisplayName("A password in the URL's user info is masked, the user name stays")
  void userInfoPasswordIsMasked() {
    assertThat(DbConfig.redact("jdbc:postgresql://alice:s3cret@db:5432/jobwatch"))
        .isEqualTo("jdbc:postgresql://alice:***@db:5432/jobwatch");
  }

  @Test
  @DisplayName(
      "A libpq connection string put where the JDBC URL belongs (host=db password=…) has its"
          + " password masked: the commands quote the setting when no driver takes it")
  void keywordValuePasswordsAreMasked() {
    assertThat(DbConfig.redact("host=db password=s3cret dbname=jobwatch"))
        .isEqualTo("host=db password=*** dbname=jobwatch");
    assertThat(DbConfig.redact("password=s3cret host=db sslpassword = 'k3y with space'"))
        .isEqualTo("password=*** host=db sslpassword = ***");
    assertThat(DbConfig.redact("jdbc:postgresql://db/jobwatch password=s3cret"))
        .isEqualTo("jdbc:postgresql://db/jobwatch password=***");
    DbConfig dsn = new DbConfig("host=db password=s3cret dbname=jobwatch", "jobwatch", "", 4);
    assertThat(dsn.redactText("No suitable driver found for host=db password=s3cret dbname=jw"))
        .doesNotContain("s3cret");
    // A query value keeps all it had up to the next parameter, a space included.
    assertThat(DbConfig.redact("jdbc:postgresql://db/jobwatch?password=two words&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/jobwatch?password=***&ssl=true");
  }

  @Test
  @DisplayName(
      "A URL password holding # or ; is masked whole: pgjdbc reads a query value up to the next &")
  void passwordsWithHashesAndSemicolonsAreMaskedWhole() {
    // pgjdbc's parseURL gives password "p#ss;w0rd" here (it knows no fragment, and splits at &
    // only).
    DbConfig config =
        new DbConfig(
            "jdbc:postgresql://db/jobwatch?password=p#ss;w0rd&sslmode=verify-full",
            "jobwatch",
            "",
            4);
    assertThat(config.loggableUrl())
        .isEqualTo("jdbc:postgresql://db/jobwatch?password=***&sslmode=verify-full");
    assertThat(config.toString()).doesNotContain("ss;w0rd", "w0rd");
    assertThat(config.redactText("connecting as jobwatch with p#ss;w0rd failed"))
        .isEqualTo("connecting as jobwatch with *** failed");
    assertThat(DbConfig.redact("jdbc:postgresql://db/jobwatch?sslpassword=k#y"))
        .isEqualTo("jdbc:postgresql://db/jobwatch?sslpassword=***");
    // user:password@host with an @ in the password: masked up to the host's @.
    DbConfig userInfo =
        new DbConfig("jdbc:postgresql://jobwatch:p@ss@db/jobwatch", "jobwatch", "", 4);
    assertThat(userInfo.loggableUrl()).isEqualTo("jdbc:postgresql://jobwatch:***@db/jobwatch");
    assertThat(userInfo.redactText("UnknownHostException: jobwatch:p@ss@db"))
        .isEqualTo("UnknownHostException: jobwatch:***@db");
  }

  @Test
  @DisplayName(
      "The pool and Flyway get the URL without password= and sslpassword=, the values beside it")
  void connectionsGetTheSecretsBesideTheUrl() {
    DbConfig config =
        new DbConfig(
            "jdbc:postgresql://db/jobwatch?ssl=true&password=p%23ss;w0rd&sslpassword=k#y&x=1",
            "jobwatch", "field", 4);
    assertThat(config.connectionUrl()).isEqualTo("jdbc:postgresql://db/jobwatch?ssl=true&x=1");
    assertThat(config.connectionPassword()).isEqualTo("p#ss;w0rd");
    assertThat(config.connectionProperties()).containsExactly(Map.entry("sslpassword", "k#y"));
    DbConfig plain = new DbConfig("jdbc:postgresql://db/jobwatch?password=u", "jobwatch", "f", 4);
    assertThat(plain.connectionUrl()).isEqualTo("jdbc:postgresql://db/jobwatch");
    assertThat(plain.connectionPassword()).isEqualTo("u");
    DbConfig none = new DbConfig("jdbc:postgresql://db/jobwatch", "jobwatch", "f", 4);
    assertThat(none.connectionUrl()).isEqualTo("jdbc:postgresql://db/jobwatch");
    assertThat(none.connectionPassword()).isEqualTo("f");
    assertThat(none.connectionProperties()).isEmpty();
  }

  @Test
  @DisplayName("A URL without secrets is shown as it is")
  void plainUrlIsUnchanged() {
    String url = "jdbc:postgresql://db:5432/jobwatch?sslmode=verify-full&sslrootcert=/etc/ca.pem";
    assertThat(DbConfig.redact(url)).isEqualTo(url);
  }

  @Test
  @DisplayName("toString shows neither the password field nor one in the URL")
  void toStringHidesEverySecret() {
    DbConfig config =
        new DbConfig("jdbc:postgresql://db/jobwatch?password=url-secret", "jobwatch", "field", 4);
    assertThat(config.toString())
        .doesNotContain("url-secret")
        .doesNotContain("field")
        .contains("jdbc:postgresql://db/jobwatch?password=***")
        .contains("user=jobwatch");
  }

  @Test
  @DisplayName("An error message is shown with the configured URL redacted and the password masked")
  void errorTextIsRedacted() {
    DbConfig userInfo =
        new DbConfig("jdbc:postgresql://jobwatch:hunter2@db/jobwatch", "jobwatch", "", 4);
    assertThat(
            userInfo.redactText(
                "Unable to parse URL jdbc:postgresql://jobwatch:hunter2@db/jobwatch"))
        .isEqualTo("Unable to parse URL jdbc:postgresql://jobwatch:***@db/jobwatch");
    DbConfig field = new DbConfig("jdbc:postgresql://db/jobwatch", "jobwatch", "s3cret!", 4);
    assertThat(field.redactText("FATAL: password s3cret! refused; then s3cret! again"))
        .isEqualTo("FATAL: password *** refused; then *** again");
    assertThat(DbConfig.redact("a //u:one@h1/x and //v:two@h2/y"))
        .isEqualTo("a //u:***@h1/x and //v:***@h2/y");
    assertThat(field.redactText(null)).isNull();
    // pgjdbc may quote a part of the URL only, such as a host it took the user info for.
    assertThat(userInfo.redactText("UnknownHostException: jobwatch:hunter2@db"))
        .isEqualTo("UnknownHostException: jobwatch:***@db");
    DbConfig query = new DbConfig("jdbc:postgresql://db/jobwatch?password=50%zz&x=1", "u", "", 4);
    assertThat(query.redactText("bad escape in 50%zz")).isEqualTo("bad escape in ***");
  }
}
