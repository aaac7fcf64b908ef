"""The public registers and our own descriptions, loaded into a store: one module per register,
the table of loaders (``loaders.REGISTERS``), the readers and entity resolution they share,
the units' profiles built from what they load, and the download of registers."""
