package io.rackswarm.core.token;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential a node shows the tracker: {@code <identity>.<mac>}, where mac is the unpadded
 * base64url HMAC-SHA256 of the identity under the cluster's shared secret. Agents derive it from
 * their node name and the secret mounted from a Kubernetes Secret; the tracker checks it without
 * any lookup. Several secrets may verify at once so that the secret can be rotated.
 */
public final class AnnounceToken {

    /** Node names are DNS subdomains; a prefix such as {@code origin/} may mark the kind. */
    private static final Pattern IDENTITY = Pattern.compile("[a-z0-9]([a-z0-9/._-]{0,250})?");
    private static final int MIN_SECRET_BYTES = 16;

    private final List<byte[]> secrets;
    /** Mac instances are not thread-safe and costly to look up; one per thread and secret. */
    private final List<ThreadLocal<Mac>> macs;

    /**
     * @param secrets the first signs, all verify; each at least 16 bytes
     */
    public AnnounceToken(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one announce secret is required");
        }
        this.secrets = secrets.stream().map(s -> {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException(
                        "announce secrets must be at least " + MIN_SECRET_BYTES + " bytes");
            }
            return b;
        }).toList();
        this.macs = this.secrets.stream().map(s -> ThreadLocal.withInitial(() -> newMac(s)))
                .toList();
    }

    /** The token for an identity, signed with the first secret. */
    public String mint(String identity) {
        if (!IDENTITY.matcher(identity).matches()) {
            throw new IllegalArgumentException("identity must be a lower-case DNS-like name: "
                    + identity);
        }
        return identity + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(0, identity));
    }

    /** The identity the token proves, or empty when it is malformed or signed by no secret. */
    public Optional<String> verify(String token) {
        if (token == null || token.length() > 400) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String identity = token.substring(0, dot);
        if (!IDENTITY.matcher(identity).matches()) {
            return Optional.empty();
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (int i = 0; i < secrets.size(); i++) {
            if (MessageDigest.isEqual(mac(i, identity), given)) {
                return Optional.of(identity);
            }
        }
        return Optional.empty();
    }

    private byte[] mac(int secret, String identity) {
        return macs.get(secret).get().doFinal(identity.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac newMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }

    /** Prints a token: {@code java -cp core.jar io.rackswarm.core.token.AnnounceToken ID}. */
    public static void main(String[] args) {
        String secret = System.getenv("RACKSWARM_ANNOUNCE_SECRET");
        if (args.length != 1 || secret == null) {
            System.err.println("usage: RACKSWARM_ANNOUNCE_SECRET=... AnnounceToken <identity>");
            System.exit(2);
        }
        System.out.println(new AnnounceToken(List.of(secret)).mint(args[0]));
    }
}
