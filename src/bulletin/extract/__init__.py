"""What Bulletin reads out of published entries: who said what, and what entries are about."""
