"""Pure domain rules: no Flask, no database session. Everything here takes dates as arguments."""
