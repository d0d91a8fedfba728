"""Sources -> reports: SSRF-safe fetching, feeds, web pages, files, and export."""
