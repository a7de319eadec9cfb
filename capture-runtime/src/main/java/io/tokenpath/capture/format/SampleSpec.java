package io.tokenpath.capture.format;

import java.util.Arrays;

/**
 * Which slices along one axis a SAMPLED_SLICES frame kept: the axis, its length in the original tensor, and the
 * kept indices in increasing order. The stored shape has {@code indices.length} on that axis.
 */
public record SampleSpec(int axis, long originalLength, int[] indices) {
    public SampleSpec {
        indices = indices.clone();
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    int encodedBytes() {
        return 1 + 4 + 4 + 4 * indices.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleSpec s && s.axis == axis && s.originalLength == originalLength
                && Arrays.equals(s.indices, indices);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * axis + Long.hashCode(originalLength)) + Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
        return "SampleSpec[axis=" + axis + ", of=" + originalLength + ", kept=" + indices.length + "]";
    }
}
