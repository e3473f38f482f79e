package io.imgpipe.testkit;

import io.imgpipe.image.CompressorConfig;
import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.spi.ImageCompressor;

/** The default compressor passes the contract every {@link ImageCompressor} must. */
class ThumbnailatorCompressorContractTest extends ImageCompressorContract {

    @Override
    protected ImageCompressor newCompressor(long maxPixels) {
        return new ThumbnailatorCompressor(CompressorConfig.DEFAULTS.withMaxPixels(maxPixels));
    }
}
