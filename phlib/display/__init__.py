"""Display: values, cards, tables, charts and alt text in the house style (pure, no I/O)."""
