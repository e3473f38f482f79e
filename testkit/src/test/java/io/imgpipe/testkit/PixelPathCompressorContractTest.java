package io.imgpipe.testkit;

import io.imgpipe.image.CompressorConfig;
import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.spi.ImageCompressor;

/**
 * The default compressor with JPEG transcoding off (every image decoded to pixels) passes the
 * contract too.
 */
class PixelPathCompressorContractTest extends ImageCompressorContract {

    @Override
    protected ImageCompressor newCompressor(long maxPixels) {
        return new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxPixels(maxPixels).withTranscodeJpegs(false));
    }
}
