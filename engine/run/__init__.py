"""Running a rule set over many documents, in one process or several."""
