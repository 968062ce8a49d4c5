package io.rackswarm.agent.hostconfig;

import java.util.List;

/**
 * CRI-O's drop-in for {@code /etc/containers/registries.conf.d/}: each registry gets the agent
 * as a mirror. containers/image does not tell a mirror which registry a request is for, so the
 * mirror location carries the registry as the first path component, which the agent reads as
 * Docker's reference rules do (a component with a dot or colon, or {@code localhost}, is a host).
 * CRI-O falls back to the registry itself when the mirror fails.
 */
public final class CrioMirror {

    public static final String FILE = "50-rackswarm.conf";

    private CrioMirror() {
    }

    public static String render(List<MirrorTarget> targets, String mirrorUrl) {
        String mirror = mirrorUrl.replaceFirst("^https?://", "");
        boolean insecure = mirrorUrl.startsWith("http://");
        StringBuilder toml = new StringBuilder(ContainerdHosts.MARKER).append('\n');
        for (MirrorTarget t : targets) {
            if (t.host().isEmpty()) {
                continue; // registries.conf has no catch-all; name each registry
            }
            String host = t.host().get().value();
            toml.append('\n').append("[[registry]]\n")
                    .append("prefix = \"").append(host).append("\"\n")
                    .append("location = \"").append(host).append("\"\n")
                    .append(t.scheme().equals("http") ? "insecure = true\n" : "")
                    .append('\n').append("[[registry.mirror]]\n")
                    .append("location = \"").append(mirror).append('/').append(host)
                    .append("\"\n")
                    .append(insecure ? "insecure = true\n" : "");
        }
        return toml.toString();
    }
}
