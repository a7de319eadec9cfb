package io.tokenpath.capture.analysis;

import java.util.Comparator;

/**
 * A token position: the request and the step (0 = the prefill, k = the k-th decode step). Tensor frames and token
 * frames both carry one, which is how tensors are attributed to tokens. Ordered by request, then step.
 */
public record TokenKey(long requestId, int step) implements Comparable<TokenKey> {
    private static final Comparator<TokenKey> ORDER =
            Comparator.comparingLong(TokenKey::requestId).thenComparingInt(TokenKey::step);

    @Override
    public int compareTo(TokenKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return "r" + requestId + "/s" + step;
    }
}
