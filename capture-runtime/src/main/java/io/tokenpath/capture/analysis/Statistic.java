package io.tokenpath.capture.analysis;

import java.util.Locale;

/** One of the statistics of {@link ActivationStats}, chosen by name (the CLI's {@code --stat}). */
public enum Statistic {
    L2("L2 norm"), MEAN("mean"), STD("standard deviation"), MIN("min"), MAX("max"),
    SPARSITY("sparsity (fraction of zeros)");

    private final String description;

    Statistic(String description) {
        this.description = description;
    }

    /** Words for titles and legends: "L2 norm". */
    public String description() { return description; }

    public double of(ActivationStats s) {
        switch (this) {
            case L2: return s.l2();
            case MEAN: return s.mean();
            case STD: return s.std();
            case MIN: return s.min();
            case MAX: return s.max();
            default: return s.sparsity();
        }
    }

    public String lowerName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses a statistic name; the message lists the valid names. */
    public static Statistic parse(String name) {
        for (Statistic s : values()) {
            if (s.lowerName().equals(name.trim().toLowerCase(Locale.ROOT))) return s;
        }
        throw new IllegalArgumentException("unknown statistic '" + name + "' (valid: l2, mean, std, max, min, sparsity)");
    }
}
