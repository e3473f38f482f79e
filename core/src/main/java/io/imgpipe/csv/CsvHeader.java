package io.imgpipe.csv;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;

/**
 * Where each known column sits in the header row. Immutable.
 *
 * @param cellCount the number of cells in the header row; every data row must have as many
 * @param positions the 0-based index of each column present
 */
record CsvHeader(int cellCount, Map<CsvColumn, Integer> positions) {

    private static final int MAX_CELLS_QUOTED = 20;

    /** Copies the positions. */
    CsvHeader {
        positions = positions.isEmpty() ? Map.of() : new EnumMap<>(positions);
    }

    /**
     * Finds the known columns in a header row, reporting a required column that is missing and a
     * column named more than once.
     *
     * @param record the header row
     * @param line the line it starts on
     * @param problems where problems go
     * @return the header, or empty if it has a problem and rows cannot be validated
     */
    static Optional<CsvHeader> parse(CSVRecord record, long line, ProblemCollector problems) {
        Map<CsvColumn, List<Integer>> found = new EnumMap<>(CsvColumn.class);
        for (int i = 0; i < record.size(); i++) {
            int index = i;
            CsvColumn.matching(record.get(i)).ifPresent(c -> found.computeIfAbsent(c, k -> new ArrayList<>()).add(index));
        }
        long problemsBefore = problems.count();
        for (CsvColumn column : CsvColumn.values()) {
            List<Integer> indexes = found.getOrDefault(column, List.of());
            if (indexes.isEmpty() && column.required()) {
                problems.add(line, column, "missing required header '" + column.headerName() + "'; the header row has "
                        + quoteCells(record));
            } else if (indexes.size() > 1) {
                problems.add(line, column, "header '" + column.headerName() + "' appears more than once, in columns "
                        + indexes.stream().map(i -> String.valueOf(i + 1)).collect(Collectors.joining(", ")));
            }
        }
        if (problems.count() > problemsBefore) {
            return Optional.empty();
        }
        Map<CsvColumn, Integer> positions = new EnumMap<>(CsvColumn.class);
        found.forEach((column, indexes) -> positions.put(column, indexes.get(0)));
        return Optional.of(new CsvHeader(record.size(), positions));
    }

    /** {@return whether the column is present} */
    boolean has(CsvColumn column) {
        return positions.containsKey(column);
    }

    /**
     * {@return the row's cell in that column}
     *
     * @param record a data row with {@link #cellCount()} cells
     * @param column a column that is present
     */
    String cell(CSVRecord record, CsvColumn column) {
        Integer position = positions.get(column);
        if (position == null) {
            throw new IllegalArgumentException("no column " + column.headerName());
        }
        return record.get(position);
    }

    private static String quoteCells(CSVRecord record) {
        String quoted = record.stream().limit(MAX_CELLS_QUOTED).map(Quoting::quote)
                .collect(Collectors.joining(", "));
        return record.size() > MAX_CELLS_QUOTED ? quoted + ", ... (" + record.size() + " cells)" : quoted;
    }
}
