"""`python -m evx` runs the command line."""
from .tools.cli import main

main()
