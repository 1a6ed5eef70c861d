"""The pattern language: source -> AST -> compiled program, the VM that runs it, and the prefilter beside it."""
