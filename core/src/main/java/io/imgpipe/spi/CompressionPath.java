package io.imgpipe.spi;

/**
 * How an {@link ImageCompressor} produced an output, reported on {@link CompressedImage#path()}
 * so that callers and benchmarks can count which way each image went.
 */
public enum CompressionPath {

    /** The source was decoded to pixels and the pixels encoded again. */
    PIXELS,

    /**
     * A JPEG source was recompressed in the DCT-coefficient domain: its quantized coefficients were
     * requantized and entropy-coded again, without decoding any pixel.
     */
    TRANSCODED
}
