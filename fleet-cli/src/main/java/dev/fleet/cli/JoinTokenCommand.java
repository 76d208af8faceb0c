package dev.fleet.cli;

import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.HttpFleetClient;
import dev.fleet.transport.http.model.JoinScope;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleet join-token}: scoped join tokens, which let a machine join only with a role, capabilities and an id
 * the operator chose: {@code create}, {@code list} and {@code revoke}. The fleet's own join token is unaffected.
 *
 * <p>Runs on the calling thread.
 */
@Command(name = "join-token", description = "Scoped join tokens: a machine that joins with one may claim only the "
    + "role, capabilities and ids it allows.",
    subcommands = {JoinTokenCommand.Create.class, JoinTokenCommand.ListTokens.class, JoinTokenCommand.Revoke.class})
final class JoinTokenCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code fleet join-token create NAME}: makes a scoped token and shows it, once. */
  @Command(name = "create", description = "Make a scoped join token; it is shown only now.")
  static final class Create extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "What to call it, e.g. laptops.")
    String name;

    @Option(names = "--role", paramLabel = "ROLE", description = "The role its machines must have (default: any).")
    String role;

    @Option(names = "--capabilities", paramLabel = "CAP", split = ",",
        description = "The only capabilities its machines may declare, comma-separated (default: none).")
    List<String> capabilities = List.of();

    @Option(names = "--id-pattern", paramLabel = "GLOB", defaultValue = "*",
        description = "The machine ids it may join as, e.g. 'laptop-*' (default: any).")
    String idPattern;

    @Option(names = "--beyond", paramLabel = "refuse|hold", defaultValue = "refuse",
        description = "What happens to a claim beyond the scope: refuse it, or hold it for `fleet approve` "
            + "(default ${DEFAULT-VALUE}).")
    String beyond;

    @Override
    Integer execute() {
      ClaimPolicy policy = policy("--beyond", beyond);
      if (policy == ClaimPolicy.ACCEPT) {
        throw new IllegalArgumentException("--beyond must be refuse or hold, got 'accept' (a scope that accepts "
            + "anything is no scope; widen it instead)");
      }
      JoinScope scope = JoinScope.of(name, role, capabilities, idPattern, policy);
      String token = client.client().createJoinToken(scope);
      PrintWriter out = spec.commandLine().getOut();
      out.println("Made join token '" + name + "': " + describe(scope) + ".");
      out.println("  join token: " + token);
      out.println("It is shown only now. Join a machine with it:");
      out.println("  fleet agent --join " + client.coordinator().uri() + " --token " + token + " --id "
          + exampleId(scope) + scope.role().map(r -> " --role " + r).orElse("")
          + (scope.capabilities().isEmpty() ? "" : " --capabilities " + String.join(",", scope.capabilities())));
      out.flush();
      return 0;
    }

    private static String exampleId(JoinScope scope) {
      String id = scope.idPattern().replace("*", "1").replace('?', '1');
      return id.isEmpty() ? "NAME" : id;
    }
  }

  /** {@code fleet join-token list}: the scoped tokens, without their secrets. */
  @Command(name = "list", description = "List the scoped join tokens (not their secrets).")
  static final class ListTokens extends ClientCommand {
    @picocli.CommandLine.Mixin
    OutputOption output;

    @Override
    Integer execute() {
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        JsonOutput.print(out, JsonDocuments.get(client.client(), "v1/join-tokens"));
        return 0;
      }
      List<HttpFleetClient.ListedJoinToken> tokens = client.client().joinTokens();
      if (tokens.isEmpty()) {
        out.println("No scoped join tokens; make one with: fleet join-token create NAME --capabilities a,b");
      } else {
        Table t = new Table("NAME", "ROLE", "CAPABILITIES", "IDS", "BEYOND", "MACHINES");
        for (HttpFleetClient.ListedJoinToken l : tokens) {
          JoinScope s = l.scope();
          t.row(s.name(), s.role().orElse("any"), s.capabilities().isEmpty() ? "-" : String.join(",",
              s.capabilities()), s.idPattern(), s.beyond().word(), l.machines());
        }
        out.print(t.render(""));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code fleet join-token revoke NAME}: stops new joins with it; its machines keep their credentials. */
  @Command(name = "revoke", description = "Revoke a scoped join token: no machine joins with it any more; those "
      + "that did keep their credentials.")
  static final class Revoke extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The token's name, as `fleet join-token list` shows.")
    String name;

    @Override
    Integer execute() {
      client.client().revokeJoinToken(name);
      PrintWriter out = spec.commandLine().getOut();
      out.println("Revoked join token '" + name + "': no machine can join with it any more; machines that joined "
          + "with it keep their credentials (`fleet rm MACHINE` removes one).");
      out.flush();
      return 0;
    }
  }

  /** The policy an option names, or an error naming the option and the choices. */
  static ClaimPolicy policy(String option, String word) {
    try {
      return ClaimPolicy.parse(word);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " must be " + (option.equals("--beyond") ? "refuse or hold"
          : "hold, refuse or accept") + ", got '" + word + "'", e);
    }
  }

  static String describe(JoinScope s) {
    return "role " + s.role().orElse("any") + ", capabilities " + (s.capabilities().isEmpty() ? "none"
        : String.join(",", s.capabilities())) + ", ids '" + s.idPattern() + "'; a claim beyond it is "
        + (s.beyond() == ClaimPolicy.HOLD ? "held for `fleet approve`" : "refused");
  }
}
