// Graphics placeholder
