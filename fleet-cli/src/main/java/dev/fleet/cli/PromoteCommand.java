package dev.fleet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fleet coordinator --node NAME --peers PAIR ... promote --yes}: a person's failover for a pair of
 * coordinators, which cannot fail over by themselves. It checks that the other node answers on neither its URL
 * nor its Raft address, then runs this node as a group of one, which leads at once with every change the pair
 * committed (its Raft log has them all: the pair committed nothing without both).
 *
 * <p>Runs on the calling thread, as {@code fleet coordinator} does.
 */
@Command(name = "promote", description = "For a pair of coordinators whose other node is lost for good: run this "
    + "one alone, as leader (the pair's options go before the word promote; read the warning).")
final class PromoteCommand implements Callable<Integer> {
  static final String WARNING = "Promoting %s to run alone. Only do this when %s is lost for good or kept off "
      + "until it is rebuilt: if it comes back on its old state while %s runs alone, the fleet has two "
      + "coordinators that each believe they lead. Before %s joins again, stop %s, delete the raft directory "
      + "under %s's state directory, and start both as a pair again.";

  @ParentCommand
  CoordinatorCommand coordinator;

  @Spec
  CommandSpec spec;

  @Option(names = "--yes", description = "Confirm that the other node of the pair is lost for good or kept off.")
  boolean yes;

  @Override
  public Integer call() {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() throws Exception {
    if (coordinator.peers == null || coordinator.node == null) {
      throw new IllegalArgumentException("give the pair's options before the word promote, e.g. fleet coordinator "
          + "--node desktop --peers desktop=URL@HOST:PORT,minipc=URL@HOST:PORT --state-dir DIR promote --yes");
    }
    Peers pair = Peers.parse(coordinator.peers);
    Peers.Peer self = pair.get(coordinator.node);
    if (pair.size() != 2) {
      throw new IllegalArgumentException("promote is for a pair of coordinators; --peers names " + pair.size()
          + (pair.size() > 2 ? ", which elect a new leader by themselves while a majority runs" : ""));
    }
    Peers.Peer other = pair.peers().stream().filter(p -> !p.name().equals(self.name())).findFirst().orElseThrow();
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(WARNING, self.name(), other.name(), self.name(), other.name(), self.name(),
        other.name()));
    out.flush();
    if (answers(other.raft()) || answers(address(other.url()))) {
      throw new IllegalStateException(other.name() + " still answers at " + other.url() + " or "
          + other.raft().getHostString() + ":" + other.raft().getPort() + ": stop it first; promoting while it "
          + "runs would give the fleet two leaders");
    }
    if (!yes) {
      throw new IllegalArgumentException("add --yes once you are sure " + other.name()
          + " will not come back as it was");
    }
    coordinator.peers = self.name() + "=" + self.url() + "@" + self.raft().getHostString() + ":"
        + self.raft().getPort();
    coordinator.manualFailover = false;
    return coordinator.call();
  }

  private static InetSocketAddress address(URI url) {
    return new InetSocketAddress(url.getHost(), url.getPort());
  }

  private static boolean answers(InetSocketAddress address) {
    try (Socket s = new Socket()) {
      s.connect(address, 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
