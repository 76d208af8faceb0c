package dev.fleet.spi;

/** The one place in Fleet that reads the system clock. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
