package io.imgpipe.image;

/**
 * Thrown by the transcoder when a JPEG turns out, past its header, to need the pixel path: it is
 * decodable by libjpeg (which only warns), but not transcodable exactly, such as a progressive
 * file whose scans do not follow the usual progression. Carries no stack trace.
 */
final class PixelPathRequired extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PixelPathRequired(String reason) {
        super(reason, null, false, false);
    }
}
