package io.rackswarm.agent.hostconfig;

/**
 * containerd's {@code hosts.toml} for one registry: the agent first, with {@code pull} and
 * {@code resolve}, and the registry itself as {@code server}, which containerd uses when the
 * agent answers 404 or cannot be reached. A short dial timeout keeps a dead agent cheap.
 */
public final class ContainerdHosts {

    /** The first line of every file the agent writes; cleanup removes only such files. */
    public static final String MARKER = "# Written by rackswarm-agent; "
            + "`rackswarm-agent cleanup` removes it.";

    private ContainerdHosts() {
    }

    public static String render(MirrorTarget target, String mirrorUrl) {
        StringBuilder toml = new StringBuilder(MARKER).append('\n');
        target.server().ifPresent(s -> toml.append("server = \"").append(s).append("\"\n"));
        toml.append('\n')
                .append("[host.\"").append(mirrorUrl).append("\"]\n")
                .append("  capabilities = [\"pull\", \"resolve\"]\n")
                .append("  dial_timeout = \"200ms\"\n");
        return toml.toString();
    }
}
