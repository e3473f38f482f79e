/**
 * The default {@link io.imgpipe.spi.ImageCompressor}: {@link io.imgpipe.image.ThumbnailatorCompressor}
 * (ImageIO and TwelveMonkeys decoders, the JDK's libjpeg encoder, Thumbnailator for resizing),
 * configured by {@link io.imgpipe.image.CompressorConfig} and chosen by name ({@code thumbnailator})
 * through {@link io.imgpipe.image.ThumbnailatorCompressorProvider}; and
 * {@link io.imgpipe.image.ImageProbe}, which reads format, dimensions and EXIF orientation from an
 * image's header and refuses images over a pixel limit before any pixel is decoded.
 *
 * <p>All public types here are immutable and thread-safe.
 */
package io.imgpipe.image;
