package io.imgpipe.image;

import java.util.Locale;

/** The JPEG marker codes the transcoder reads or writes (the byte after {@code 0xFF}), and their names for messages. */
final class JpegMarker {

    static final int SOF0 = 0xC0;
    static final int SOF1 = 0xC1;
    static final int SOF2 = 0xC2;
    static final int SOF3 = 0xC3;
    static final int DHT = 0xC4;
    static final int SOF15 = 0xCF;
    static final int DAC = 0xCC;
    static final int RST0 = 0xD0;
    static final int RST7 = 0xD7;
    static final int SOI = 0xD8;
    static final int EOI = 0xD9;
    static final int SOS = 0xDA;
    static final int DQT = 0xDB;
    static final int DNL = 0xDC;
    static final int DRI = 0xDD;
    static final int APP0 = 0xE0;
    static final int APP2 = 0xE2;
    static final int APP14 = 0xEE;
    static final int TEM = 0x01;

    private JpegMarker() {
    }

    /** {@return whether the marker is a start of frame (SOF0 to SOF15, which exclude DHT, JPG and DAC)} */
    static boolean isStartOfFrame(int marker) {
        return marker >= SOF0 && marker <= SOF15 && marker != DHT && marker != 0xC8 && marker != DAC;
    }

    /** {@return whether the marker stands alone, with no length field} */
    static boolean isStandalone(int marker) {
        return marker == TEM || (marker >= RST0 && marker <= EOI);
    }

    /** {@return a readable name such as {@code SOF2} or {@code APP1}, or the hex code} */
    static String name(int marker) {
        if (marker >= RST0 && marker <= RST7) {
            return "RST" + (marker - RST0);
        }
        if (marker >= APP0 && marker <= 0xEF) {
            return "APP" + (marker - APP0);
        }
        if (isStartOfFrame(marker)) {
            return "SOF" + (marker - SOF0);
        }
        switch (marker) {
            case DHT:
                return "DHT";
            case DAC:
                return "DAC";
            case SOI:
                return "SOI";
            case EOI:
                return "EOI";
            case SOS:
                return "SOS";
            case DQT:
                return "DQT";
            case DNL:
                return "DNL";
            case DRI:
                return "DRI";
            case 0xFE:
                return "COM";
            default:
                return String.format(Locale.ROOT, "0x%02X", marker);
        }
    }
}
