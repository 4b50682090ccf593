package io.jobwatch;

/** Entry point of the jobwatch jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("jobwatch");
  }
}
