/** Fleet's API. */
module dev.fleet.api {
  exports dev.fleet;
  exports dev.fleet.spi;
}
