"""Read views: promises, snapshots for the rules, deadlines and calendar feeds."""
