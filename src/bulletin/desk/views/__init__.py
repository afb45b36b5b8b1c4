"""The desk's views: blogs (list, settings, members), entries (composer, workflow), live."""
