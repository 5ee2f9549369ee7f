"""What a change does inside its own transaction: audit records, deadlines, notices."""
