package io.imgpipe.image;

import io.imgpipe.CompressionException;

/** Looks up the Huffman tables a scan selects, refusing undefined ones and DC tables with impossible symbols. */
final class ScanTables {

    private ScanTables() {
    }

    /** {@return the DC table of the scan's {@code i}-th component} */
    static HuffmanDecodingTable dc(JpegParser parser, ScanHeader scan, int i) {
        HuffmanDecodingTable table = parser.dcTables[scan.dcTables()[i]];
        if (table == null) {
            throw missing(parser, scan, i, "DC", scan.dcTables()[i]);
        }
        if (table.largestSymbol > 15) {
            throw new CompressionException("corrupt jpeg: DC Huffman table " + scan.dcTables()[i] + " used by scan "
                    + scan.number() + " has symbol " + table.largestSymbol + " (DC sizes are 0 to 15)");
        }
        return table;
    }

    /** {@return the AC table of the scan's {@code i}-th component} */
    static HuffmanDecodingTable ac(JpegParser parser, ScanHeader scan, int i) {
        HuffmanDecodingTable table = parser.acTables[scan.acTables()[i]];
        if (table == null) {
            throw missing(parser, scan, i, "AC", scan.acTables()[i]);
        }
        return table;
    }

    private static CompressionException missing(JpegParser parser, ScanHeader scan, int i, String kind, int id) {
        int component = parser.frame.components[scan.components()[i]].id;
        return new CompressionException("corrupt jpeg: scan " + scan.number() + " codes component " + component
                + " with " + kind + " Huffman table " + id + ", which is not defined");
    }
}
