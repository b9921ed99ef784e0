package org.tmfault.workloads;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tiny "--key value" parser shared by the workloads.
 *
 * <p>Flink's ParameterTool lives in org.apache.flink.api.java.utils in 1.x and in
 * org.apache.flink.util in 2.x, so a jar built once cannot use it on both lines.
 *
 * <p>Accepted forms: {@code --key value}, {@code --key=value}, and a bare {@code --flag}
 * (value "true"). A stray positional argument, or a key not in the job's list of known keys,
 * fails the job at submit time, so a typo in a scenario never runs silently with a default.
 */
public final class Args implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code argv}. If {@code known} is not empty, every key must be one of them.
     *
     * @throws IllegalArgumentException on a positional argument or an unknown key
     */
    public static Args parse(String[] argv, String... known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String key = arg.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                values.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                values.put(key, argv[++i]);
            } else {
                values.put(key, "true");
            }
        }
        if (known.length > 0) {
            List<String> allowed = Arrays.asList(known);
            for (String key : values.keySet()) {
                if (!allowed.contains(key)) {
                    throw new IllegalArgumentException(
                            "unknown argument '--" + key + "'; known: --"
                                    + String.join(", --", known));
                }
            }
        }
        return new Args(values);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** Same as {@link #get}. */
    public String getString(String key, String fallback) {
        return get(key, fallback);
    }

    public long getLong(String key, long fallback) {
        return getLong(key, fallback, Long.MIN_VALUE);
    }

    /** An integer argument that must be at least {@code min}. */
    public long getLong(String key, long fallback, long min) {
        String v = values.get(key);
        long result;
        if (v == null) {
            result = fallback;
        } else {
            try {
                result = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--" + key + " expects an integer, got '" + v + "'");
            }
        }
        if (result < min) {
            throw new IllegalArgumentException(
                    "--" + key + " must be at least " + min + ", got " + result);
        }
        return result;
    }

    /** An int argument that must be at least {@code min}. */
    public int getInt(String key, int fallback, int min) {
        long v = getLong(key, fallback, min);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + key + " is too large: " + v);
        }
        return (int) v;
    }

    /** {@code true}/{@code false} (any case); a bare {@code --key} means true. */
    public boolean getBoolean(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("--" + key + " expects true or false, got '" + v + "'");
    }

    /**
     * A size in MiB. A plain number is MiB ({@code --retain 300}); a unit suffix is read like
     * Flink's MemorySize ({@code 300m}, {@code 300mb}, {@code 1g}, {@code 512k}, {@code 64b});
     * the result is rounded up to whole MiB.
     */
    public long getMiB(String key, long fallbackMiB) {
        String v = values.get(key);
        return v == null ? fallbackMiB : toMiB(key, v);
    }

    private static long toMiB(String key, String raw) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("--" + key + " expects a size, got '" + raw + "'");
        }
        long number = Long.parseLong(v.substring(0, end));
        long bytesPerUnit;
        switch (v.substring(end).trim()) {
            case "":
            case "m":
            case "mb":
            case "mib":
                return number;
            case "b":
            case "bytes":
                bytesPerUnit = 1L;
                break;
            case "k":
            case "kb":
            case "kib":
                bytesPerUnit = 1L << 10;
                break;
            case "g":
            case "gb":
            case "gib":
                bytesPerUnit = 1L << 30;
                break;
            default:
                throw new IllegalArgumentException(
                        "--" + key + " has an unknown unit in '" + raw + "'");
        }
        long bytes = Math.multiplyExact(number, bytesPerUnit);
        return (bytes + (1L << 20) - 1) >> 20;
    }
}
