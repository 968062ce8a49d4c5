package io.rackswarm.core.bencode;

import java.util.List;

/** A bencoded list, {@code l...e}. */
public record BList(List<BValue> values) implements BValue {

    public BList {
        values = List.copyOf(values);
    }
}
