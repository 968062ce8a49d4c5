package io.rackswarm.agent;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.rackswarm.agent.cli.Cli;

/**
 * {@code rackswarm-agent} with no arguments runs the agent; with a command ({@code status},
 * {@code pull IMAGE}, {@code cleanup}) it is the CLI, which talks to the running agent and never
 * starts a second one.
 */
@QuarkusMain
public final class Main {

    Main() {
    }

    public static void main(String... args) {
        if (args.length > 0) {
            System.exit(Cli.run(args, System.out, System.err));
        }
        Quarkus.run(args);
    }
}
