"""Reading input documents (files, standard input, spaCy Docs) and writing records."""
