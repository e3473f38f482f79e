/**
 * The default {@link io.imgpipe.spi.ImageCompressor}: {@link io.imgpipe.image.ThumbnailatorCompressor},
 * configured by {@link io.imgpipe.image.CompressorConfig} and chosen by name ({@code thumbnailator})
 * through {@link io.imgpipe.image.ThumbnailatorCompressorProvider}. Before any pixel is decoded,
 * the package-private {@code ImageProbe} reads format, dimensions and EXIF orientation from an
 * image's header and refuses images over a pixel limit.
 *
 * <p>The compressor has two paths. JPEGs it can handle exactly (baseline or progressive
 * Huffman-coded, 8-bit, grey or YCbCr 4:2:0, any restart interval, no colour conversion needed, kept
 * at their size) go through a transcoder in the DCT-coefficient domain, made of package-private
 * steps: {@code JpegParser} (marker segments), {@code HuffmanDecodingTable} and
 * {@code EntropyReader} (table-driven decoding), {@code SequentialScanDecoder} and
 * {@code ProgressiveScanDecoder}, {@code ComponentState} (coefficient store), {@code Requantizer},
 * {@code BlockOrientation} (EXIF orientation on blocks), {@code SymbolStream} and
 * {@code HuffmanStatistics} (the output's symbols and their counts), {@code HuffmanEncodingTable}
 * (optimal tables), {@code BaselineJpegWriter}, and {@code JpegTranscoder}, which runs them. Every
 * other image is decoded to pixels (ImageIO and TwelveMonkeys decoders, Thumbnailator for resizing)
 * and encoded by the JDK's libjpeg encoder.
 *
 * <p>All public types here are immutable and thread-safe.
 */
package io.imgpipe.image;
