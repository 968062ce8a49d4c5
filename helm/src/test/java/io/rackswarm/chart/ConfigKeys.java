package io.rackswarm.chart;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment variables a SmallRye config mapping reads: each method is a key, named in
 * kebab case under the mapping's prefix; a method returning a nested interface is a group.
 */
final class ConfigKeys {

    private ConfigKeys() {
    }

    static Set<String> environmentNames(String prefix, Class<?> mapping) {
        Set<String> names = new TreeSet<>();
        collect(prefix, mapping, names);
        return names;
    }

    private static void collect(String prefix, Class<?> group, Set<String> names) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() > 0 || m.isDefault()) {
                continue;
            }
            String key = prefix + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                    .toUpperCase(Locale.ROOT);
            Class<?> type = m.getReturnType();
            if (type.isInterface() && type.getDeclaringClass() == group) {
                collect(key + "_", type, names);
            } else {
                names.add(key);
            }
        }
    }
}
