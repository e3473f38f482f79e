package io.imgpipe.image;

/**
 * One SOS segment: the frame components the scan codes (in scan order), their Huffman table
 * selectors, and the spectral selection and successive approximation parameters.
 *
 * @param components the scanned components, by index into the frame
 * @param dcTables the DC table selector of each scanned component
 * @param acTables the AC table selector of each scanned component
 * @param spectralStart Ss, the first coefficient (zig-zag index)
 * @param spectralEnd Se, the last coefficient
 * @param approximationHigh Ah, the bit position of the previous pass (0 for a first pass)
 * @param approximationLow Al, the bit position of this pass
 * @param number 1 for the first scan of the image, then 2, 3, ...
 */
record ScanHeader(int[] components, int[] dcTables, int[] acTables, int spectralStart, int spectralEnd,
        int approximationHigh, int approximationLow, int number) {
}
