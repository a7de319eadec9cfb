package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.TensorHeader;
import io.tokenpath.capture.format.TokenRecord;
import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.StreamEnd;
import io.tokenpath.capture.read.StreamHeader;
import io.tokenpath.capture.read.StreamReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of a stream from headers alone (no tensor payload is read): its metadata, the census of frames,
 * its layers and its requests. What {@code tokenpath-stream inspect} prints.
 */
public final class StreamInventory {
    private final StreamHeader header;
    private final long fileSize;
    private final StreamCensus census;
    private final List<LayerInventory> layers;
    private final List<RequestSummary> requests;
    private final StreamEnd end;

    private StreamInventory(StreamHeader header, long fileSize, StreamCensus census, List<LayerInventory> layers,
            List<RequestSummary> requests, StreamEnd end) {
        this.header = header;
        this.fileSize = fileSize;
        this.census = census;
        this.layers = layers;
        this.requests = requests;
        this.end = end;
    }

    /**
     * Reads every frame header of {@code reader}.
     *
     * @throws IOException on the first tensor header, token or metadata frame that does not parse (names the offset)
     */
    public static StreamInventory scan(StreamReader reader) throws IOException {
        StreamCensus census = new StreamCensus();
        Map<String, LayerInventory> layers = new LinkedHashMap<>();
        Map<Long, RequestSummary> requests = new TreeMap<>();
        for (Frame f : reader) {
            census.accept(f);
            switch (f.kind()) {
                case TENSOR:
                    TensorHeader h = f.tensorHeader();
                    layers.computeIfAbsent(f.name(), LayerInventory::new).add(h, f.totalLength());
                    requests.computeIfAbsent(h.requestId(), RequestSummary::new).addTensor(h.step(), f.totalLength());
                    break;
                case TOKEN:
                    TokenRecord t = f.token();
                    requests.computeIfAbsent(t.requestId(), RequestSummary::new).addToken(t.step(), t.last());
                    break;
                default:
                    break;
            }
        }
        return new StreamInventory(reader.header(), reader.fileSize(), census,
                Collections.unmodifiableList(new ArrayList<>(layers.values())),
                Collections.unmodifiableList(new ArrayList<>(requests.values())), reader.end());
    }

    public StreamHeader header() { return header; }
    public long fileSize() { return fileSize; }
    public StreamCensus census() { return census; }
    /** Layers in the order their first frame appears. */
    public List<LayerInventory> layers() { return layers; }
    /** Requests by id. */
    public List<RequestSummary> requests() { return requests; }
    public StreamEnd end() { return end; }
}
