package io.rackswarm.seeder.upstream;

import io.rackswarm.core.oci.Digest;

/**
 * A manifest or index exactly as the upstream served it: the bytes are what its digest covers,
 * so they are passed on unchanged.
 */
public record Manifest(Digest digest, String mediaType, byte[] bytes) {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST =
            "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST =
            "application/vnd.docker.distribution.manifest.v2+json";

    /** Every manifest type the seeder accepts, for the {@code Accept} header. */
    public static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST,
            DOCKER_MANIFEST);

    public boolean isIndex() {
        return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST);
    }
}
