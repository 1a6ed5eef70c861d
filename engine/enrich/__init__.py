"""Stages that add to matches after the cascade: time values and the like."""
