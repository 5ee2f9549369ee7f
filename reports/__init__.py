"""Reports for people: the year-end compilation (and, with the regional issue, overviews),
gathered from the database as plain data and rendered as Markdown, HTML or JSON."""
