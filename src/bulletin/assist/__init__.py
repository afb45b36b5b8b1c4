"""Help for the desk that a person approves: repeat warnings and suggested key points."""
