"""How labs are ranked: the text's relevance, the graph's signals, the industry record, the
officers' feedback."""
