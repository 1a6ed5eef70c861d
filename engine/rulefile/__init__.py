"""Rule files: YAML read with positions, imports followed, rules validated and compiled."""
