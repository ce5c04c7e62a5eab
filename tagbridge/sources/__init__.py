"""One module per remote source. Each builds requests and parses responses; none performs I/O."""
