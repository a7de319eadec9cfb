package io.tokenpath.capture.analysis;

/**
 * One layer (tensor frame name) of an analysis: its frames, their bytes in the file and as source tensors, the
 * largest error a lossy transform introduced in any of them (0 when all are lossless), and the statistics over
 * all their values.
 */
public record LayerSummary(String name, long frames, long fileBytes, long sourceBytes, double maxAbsError,
        ActivationStats stats) {

    /** Source bytes per file byte; NaN when the layer takes no bytes. */
    public double compressionRatio() {
        return fileBytes == 0 ? Double.NaN : (double) sourceBytes / fileBytes;
    }
}
