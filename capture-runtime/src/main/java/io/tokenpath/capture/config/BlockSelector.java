package io.tokenpath.capture.config;

import java.util.regex.Pattern;

/**
 * Decides which blocks are captured, from the block's path (the parents' {@code BlockList} names joined with '/',
 * e.g. {@code 03h0/02c_attn}) and its class name. A block is selected when it is within {@code maxDepth}, matches
 * the granularity's patterns (ATTENTION_ONLY / MLP_ONLY test the block's own name, the last path segment, and its
 * simple class name), matches {@code include} if set, and does not match {@code exclude}.
 */
public final class BlockSelector {
    public static final String DEFAULT_ATTENTION_NAMES = "(?i).*(attn|attention).*";
    public static final String DEFAULT_ATTENTION_CLASSES = "(?i).*attention.*";
    public static final String DEFAULT_MLP_NAMES = "(?i).*(mlp|ffn|feed_?forward).*";
    public static final String DEFAULT_MLP_CLASSES = "(?i).*(mlp|feedforward).*";

    private final Granularity granularity;
    private final Pattern nameFocus;
    private final Pattern classFocus;
    private final Pattern include;
    private final Pattern exclude;
    private final int maxDepth;

    public BlockSelector(Granularity granularity, String nameFocus, String classFocus, String include, String exclude,
            int maxDepth) {
        this.granularity = granularity;
        this.nameFocus = compile("name pattern", nameFocus);
        this.classFocus = compile("class pattern", classFocus);
        this.include = compile("include", include);
        this.exclude = compile("exclude", exclude);
        this.maxDepth = maxDepth;
    }

    public static BlockSelector of(Granularity g) {
        switch (g) {
            case ATTENTION_ONLY: return new BlockSelector(g, DEFAULT_ATTENTION_NAMES, DEFAULT_ATTENTION_CLASSES, null, null, Integer.MAX_VALUE);
            case MLP_ONLY: return new BlockSelector(g, DEFAULT_MLP_NAMES, DEFAULT_MLP_CLASSES, null, null, Integer.MAX_VALUE);
            default: return new BlockSelector(g, null, null, null, null, Integer.MAX_VALUE);
        }
    }

    private static Pattern compile(String what, String regex) {
        if (regex == null || regex.isEmpty()) return null;
        try {
            return Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid " + what + " regex '" + regex + "': " + e.getDescription());
        }
    }

    public Granularity granularity() { return granularity; }

    public boolean selects(String path, String className) {
        if (depth(path) > maxDepth) return false;
        if (exclude != null && exclude.matcher(path).matches()) return false;
        if (include != null && !include.matcher(path).matches()) return false;
        if (nameFocus == null && classFocus == null) return true;
        String own = path.substring(path.lastIndexOf('/') + 1);
        String simple = className == null ? "" : className.substring(className.lastIndexOf('.') + 1);
        return (nameFocus != null && nameFocus.matcher(own).matches())
                || (classFocus != null && classFocus.matcher(simple).matches());
    }

    /** Number of path segments: "" (the root block) is 0, "03h0" is 1, "03h0/02c_attn" is 2. */
    public static int depth(String path) {
        if (path.isEmpty()) return 0;
        int d = 1;
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') d++;
        return d;
    }

    public BlockSelector withInclude(String regex) {
        return new BlockSelector(granularity, pattern(nameFocus), pattern(classFocus), regex, pattern(exclude), maxDepth);
    }

    public BlockSelector withExclude(String regex) {
        return new BlockSelector(granularity, pattern(nameFocus), pattern(classFocus), pattern(include), regex, maxDepth);
    }

    public BlockSelector withMaxDepth(int depth) {
        return new BlockSelector(granularity, pattern(nameFocus), pattern(classFocus), pattern(include), pattern(exclude), depth);
    }

    public BlockSelector withFocus(String nameRegex, String classRegex) {
        return new BlockSelector(granularity, nameRegex, classRegex, pattern(include), pattern(exclude), maxDepth);
    }

    private static String pattern(Pattern p) { return p == null ? null : p.pattern(); }

    @Override
    public String toString() {
        return granularity.name().toLowerCase(java.util.Locale.ROOT)
                + (nameFocus != null ? " names=" + nameFocus : "") + (classFocus != null ? " classes=" + classFocus : "")
                + (include != null ? " include=" + include : "") + (exclude != null ? " exclude=" + exclude : "")
                + (maxDepth != Integer.MAX_VALUE ? " max_depth=" + maxDepth : "");
    }
}
