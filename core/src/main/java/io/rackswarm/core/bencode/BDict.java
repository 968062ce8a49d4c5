package io.rackswarm.core.bencode;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** A bencoded dictionary; keys are byte strings kept in canonical (sorted) order. */
public record BDict(SortedMap<BString, BValue> entries) implements BValue {

    public BDict {
        entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<BValue> get(String key) {
        return Optional.ofNullable(entries.get(BString.of(key)));
    }

    /** Collects entries in any order; encoding sorts them. */
    public static final class Builder {
        private final TreeMap<BString, BValue> entries = new TreeMap<>();

        public Builder put(String key, BValue value) {
            entries.put(BString.of(key), value);
            return this;
        }

        public Builder put(String key, long value) {
            return put(key, BInteger.of(value));
        }

        public Builder put(String key, String utf8) {
            return put(key, BString.of(utf8));
        }

        public Builder put(String key, byte[] bytes) {
            return put(key, BString.of(bytes));
        }

        public Builder putAll(Map<BString, BValue> more) {
            entries.putAll(more);
            return this;
        }

        public BDict build() {
            return new BDict(entries);
        }
    }
}
