package io.rackswarm.core.token;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential a peer shows the tracker: {@code <claim>.<mac>}, where mac is the unpadded
 * base64url HMAC-SHA256 of the claim under a secret. The claim is an identity, and for a
 * short-lived token {@code <identity>~<expiry in epoch seconds>}. The tracker checks a token
 * without any lookup. Seeders sign their own {@code origin/…} tokens with the origin secret;
 * node tokens are signed with the node secret, by the tracker's token exchange (or by an operator
 * for nodes outside Kubernetes). Several secrets may verify at once so that a secret can be
 * rotated.
 */
public final class AnnounceToken {

    /** Node names are DNS subdomains; a prefix such as {@code origin/} may mark the kind. */
    private static final Pattern IDENTITY = Pattern.compile("[a-z0-9]([a-z0-9/._-]{0,250})?");
    private static final Pattern EXPIRY = Pattern.compile("[1-9][0-9]{0,11}");
    private static final char EXPIRY_MARK = '~';
    private static final int MIN_SECRET_BYTES = 16;

    /** What a valid token proves: who, and until when ({@code null}: no expiry). */
    public record Claim(String identity, Instant expiresAt) {

        public boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    private final List<byte[]> secrets;
    /** Mac instances are not thread-safe and costly to look up; one per thread and secret. */
    private final List<ThreadLocal<Mac>> macs;

    /**
     * @param secrets the first signs, all verify; each at least 16 bytes
     */
    public AnnounceToken(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one token secret is required");
        }
        this.secrets = secrets.stream().map(AnnounceToken::secretBytes).toList();
        this.macs = this.secrets.stream().map(s -> ThreadLocal.withInitial(() -> newMac(s)))
                .toList();
    }

    private static byte[] secretBytes(String secret) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        if (b.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "token secrets must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return b;
    }

    /** Whether any secret of this set is also one of the other's. */
    public boolean sharesSecretWith(AnnounceToken other) {
        return secrets.stream().anyMatch(a -> other.secrets.stream()
                .anyMatch(b -> MessageDigest.isEqual(a, b)));
    }

    /** A token for an identity that does not expire, signed with the first secret. */
    public String mint(String identity) {
        return sign(checked(identity));
    }

    /** A token for an identity valid until {@code expiresAt}, signed with the first secret. */
    public String mint(String identity, Instant expiresAt) {
        if (expiresAt.getEpochSecond() <= 0) {
            throw new IllegalArgumentException("expiry must be after 1970: " + expiresAt);
        }
        return sign(checked(identity) + EXPIRY_MARK + expiresAt.getEpochSecond());
    }

    private static String checked(String identity) {
        if (!IDENTITY.matcher(identity).matches()) {
            throw new IllegalArgumentException("identity must be a lower-case DNS-like name: "
                    + identity);
        }
        return identity;
    }

    private String sign(String claim) {
        return claim + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(0, claim));
    }

    /**
     * What the token claims, when it is well formed and signed by one of the secrets; empty
     * otherwise. Whether it has expired is the caller's question ({@link Claim#expired}).
     */
    public Optional<Claim> verify(String token) {
        if (token == null || token.length() > 400) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String claim = token.substring(0, dot);
        Optional<Claim> parsed = parse(claim);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (int i = 0; i < secrets.size(); i++) {
            if (MessageDigest.isEqual(mac(i, claim), given)) {
                return parsed;
            }
        }
        return Optional.empty();
    }

    private static Optional<Claim> parse(String claim) {
        int mark = claim.indexOf(EXPIRY_MARK);
        String identity = mark < 0 ? claim : claim.substring(0, mark);
        if (!IDENTITY.matcher(identity).matches()) {
            return Optional.empty();
        }
        if (mark < 0) {
            return Optional.of(new Claim(identity, null));
        }
        String expiry = claim.substring(mark + 1);
        if (!EXPIRY.matcher(expiry).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Claim(identity, Instant.ofEpochSecond(Long.parseLong(expiry))));
    }

    private byte[] mac(int secret, String claim) {
        return macs.get(secret).get().doFinal(claim.getBytes(StandardCharsets.UTF_8));
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

    /**
     * Prints a token that does not expire, for a node outside Kubernetes or a seeder:
     * {@code RACKSWARM_TOKEN_SECRET=… java -cp core.jar io.rackswarm.core.token.AnnounceToken ID}.
     * Sign node names with the node secret and {@code origin/…} names with the origin secret.
     */
    public static void main(String[] args) {
        String secret = System.getenv("RACKSWARM_TOKEN_SECRET");
        if (args.length != 1 || secret == null) {
            System.err.println("usage: RACKSWARM_TOKEN_SECRET=<node or origin secret> "
                    + "AnnounceToken <identity>");
            System.exit(2);
        }
        System.out.println(new AnnounceToken(List.of(secret)).mint(args[0]));
    }
}
