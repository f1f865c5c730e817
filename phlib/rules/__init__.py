"""Rules: periods, ratings, a quarter's figures, publication, intervals, SPC (pure, no I/O)."""
