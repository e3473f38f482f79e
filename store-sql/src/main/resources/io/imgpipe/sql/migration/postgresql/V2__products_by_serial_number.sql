-- A request's status lists its products by serial number: this index lets it read them in that
-- order a page at a time (keyset paging on serial number, then row index) instead of sorting the
-- whole request.
CREATE INDEX imgpipe_products_serial ON imgpipe_products (request_seq, serial_number, row_index);
