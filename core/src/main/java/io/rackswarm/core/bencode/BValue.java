package io.rackswarm.core.bencode;

/** A bencoded value: integer, byte string, list or dictionary (BEP 3). */
public sealed interface BValue permits BInteger, BString, BList, BDict {

    /** Encodes this value in canonical form. */
    default byte[] encode() {
        return Bencode.encode(this);
    }
}
