"""The command line and the tools it offers: check, test, explain, eval, bench."""
