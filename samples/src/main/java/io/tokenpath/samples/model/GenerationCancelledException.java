package io.tokenpath.samples.model;

/** Thrown from a {@link TokenListener} to abandon a generation whose result nobody will read. */
public final class GenerationCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GenerationCancelledException(String reason) {
        super(reason);
    }
}
